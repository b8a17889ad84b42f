//! An honest record passes every step, batched and per-proof alike, and a
//! voter's receipt checks out.

mod support;

use psephos_verifier::receipt::check_receipt;
use psephos_verifier::{verify, BytesSource, Options};

#[test]
fn honest_record_is_valid_both_ways() {
    let s = support::honest();
    let record = support::BytesSource_from(s);
    for no_batch in [false, true] {
        let opts = Options {
            no_batch,
            batch_size: 5,
            ..Options::default()
        };
        let report = verify(&record, &opts).unwrap();
        assert!(report.valid, "{}", report.to_text());
        assert!(
            report.steps.iter().all(|st| st.ran && st.ok),
            "{}",
            report.to_text()
        );
        assert!(report.failures.is_empty());
    }
}

#[test]
fn receipt_of_a_counted_ballot() {
    let s = support::honest();
    let entries = s.entries();
    let record = BytesSource(support::write_record(&s.key, s.election_id, &entries, 4));
    // The last ballot entry is voter 0's revote: counted.
    let last_ballot = entries.iter().rposition(|(k, _)| k == "ballot").unwrap() as u64;
    let r = check_receipt(
        &record,
        &s.receipt(&entries, last_ballot, 4),
        &Options::default(),
    )
    .unwrap();
    assert!(r.ok(), "{r:?}");
    // Voter 0's first ballot was replaced by the revote: on the board, not counted.
    let first_ballot = entries.iter().position(|(k, _)| k == "ballot").unwrap() as u64;
    let r = check_receipt(
        &record,
        &s.receipt(&entries, first_ballot, 4),
        &Options::default(),
    )
    .unwrap();
    assert!(r.receipt_valid && r.on_board && r.consistent && !r.counted);
}
