//! An honest record passes every step, batched and per-proof alike, and a
//! voter's receipt checks out.

mod support;

use psephos_verifier::receipt::check_receipt;
use psephos_verifier::{verify, BytesSource, Options, Since};

#[test]
fn honest_record_is_valid_both_ways() {
    let s = support::honest();
    let record = support::BytesSource_from(s);
    for (no_batch, batch_bytes) in [(false, 16 << 20), (false, 20_000), (true, 16 << 20)] {
        let opts = Options {
            no_batch,
            batch_size: 5,
            batch_bytes,
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

#[test]
fn incremental_run_resumes_from_an_earlier_report() {
    let s = support::honest();
    let entries = s.entries();
    // The earlier run saw the board while the round was open.
    let open_until = entries.iter().position(|(k, _)| k == "tally").unwrap() - 2;
    let prefix = BytesSource(support::write_record(
        &s.key,
        s.election_id,
        &entries[..open_until],
        4,
    ));
    let earlier = verify(&prefix, &Options::default()).unwrap();
    assert!(earlier.failures.is_empty(), "{}", earlier.to_text());
    let since = Since::from_report_json(&serde_json::to_vec(&earlier).unwrap()).unwrap();
    assert_eq!(since.size, open_until as u64);

    let record = BytesSource(support::write_record(&s.key, s.election_id, &entries, 4));
    let resumed = Options {
        since: Some(since.clone()),
        ..Options::default()
    };
    let r = verify(&record, &resumed).unwrap();
    assert!(r.valid, "{}", r.to_text());
    assert!(r.steps[4].checked.contains("verified by the earlier run"));
    assert_eq!(r, verify(&record, &resumed).unwrap());

    // A report whose root the board does not extend: step 4.2.
    let mut forged = since.clone();
    forged.root.0[31] ^= 0x80;
    let r = verify(
        &record,
        &Options {
            since: Some(forged),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(!r.valid);
    assert!(
        r.failures.iter().any(|f| f.step == "4.2"),
        "{}",
        r.to_text()
    );

    // A report of a longer log than the record: step 4.2.
    let mut longer = since;
    longer.size = entries.len() as u64 + 5;
    let r = verify(
        &record,
        &Options {
            since: Some(longer),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(
        r.failures.iter().any(|f| f.step == "4.2"),
        "{}",
        r.to_text()
    );
}
