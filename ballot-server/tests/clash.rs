//! Clash attacks on tracking codes (threats.md T11; Küsters, Truderung and
//! Vogt, "Clash Attacks on the Verifiability of E-Voting Systems", 2012):
//! a dishonest server tries to show two voters who voted the same way one
//! and the same ballot, so that it can drop or replace the other one while
//! both voters' checks pass.
//!
//! Over real HTTP against a running server, two voters cast the same
//! choices. Each voter's own checks are the web booth's (`psephos-booth-
//! wasm`, run natively here): the receipt must prove the inclusion of the
//! voter's own ballot bytes, and a later lookup must find an entry whose
//! bytes hash to the tracking code the voter noted. The server answering
//! B with A's receipt, A's entry, or A's ballot re-labelled with B's
//! credential is refused by B's checks; honestly cast ballots never share
//! a tracking code; and a board that keeps only one of two identical
//! votes, re-signed by the server, is caught by the missing voter's
//! receipt in the standalone verifier, which names that receipt's entry as
//! the one missing.

mod common;

use common::board_check::all_entries;
use common::*;
use psephos_board::record::RecordWriter;
use psephos_board::{Checkpoint, ElectionId, Entry, LogEntry, MerkleTree, SignedCheckpoint};
use psephos_booth_wasm::board::{check_lookup, check_receipt as booth_check_receipt, Lookup};
use psephos_crypto::ballot::{tracking_code, Ballot};
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::Manifest;
use psephos_trustee::client::Client;
use psephos_trustee::wire::CastReceipt;
use psephos_verifier::receipt::check_receipt;
use psephos_verifier::{BytesSource, Options};
use rand_core::OsRng;

/// What a voter's booth checks right after casting: the receipt proves the
/// inclusion of exactly this voter's ballot bytes, under a checkpoint
/// signed by the manifest's board key, and the tracking code shown is the
/// hash of those bytes. Returns the booth's error code on a refusal.
fn voter_checks_receipt(
    manifest: &(Manifest, Vec<u8>),
    own_bytes: &[u8],
    answer: &CastReceipt,
) -> Result<(), &'static str> {
    let receipt = serde_json::to_string(&answer.receipt).unwrap();
    booth_check_receipt(&manifest.0, &manifest.1, &receipt, "ballot", own_bytes)
        .map_err(|e| e.code)?;
    if answer.tracking_code != hex::encode(tracking_code(own_bytes)) {
        return Err("tracking_code.mismatch");
    }
    Ok(())
}

/// A later lookup as the booth runs it: the voter's own tracking code, the
/// entry the server points to, its inclusion in the latest checkpoint.
async fn voter_looks_up(
    c: &Client,
    round: &str,
    manifest: &(Manifest, Vec<u8>),
    own_tracking: &str,
    index_shown: u64,
) -> Result<(), &'static str> {
    let page = c.entries(round, index_shown, 1).await.unwrap();
    let entry = serde_json::to_string(&page.entries[0]).unwrap();
    let latest = c.checkpoint(round).await.unwrap();
    let inclusion = c
        .get_raw(&format!(
            "/rounds/{round}/board/inclusion?index={index_shown}&size={}",
            latest.size
        ))
        .await
        .unwrap();
    let lookup = Lookup {
        tracking_code: own_tracking,
        entry_json: &entry,
        checkpoint_json: &serde_json::to_string(&latest).unwrap(),
        inclusion_json: std::str::from_utf8(&inclusion).unwrap(),
        receipt_json: None,
        consistency_json: None,
    };
    check_lookup(&manifest.0, &manifest.1, &lookup)
        .map(|_| ())
        .map_err(|e| e.code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clash_attack_a_server_cannot_show_two_voters_one_ballot() {
    let ts = start(Backend::Postgres, |_| {}).await;
    let r = open_round(&ts, small_questions(), 6, RevotePolicy::LastCounts).await;
    let c = &ts.anon;
    let round = r.round();
    let manifest = c.manifest(round).await.unwrap();

    // Every voter casts the very same choices (voter 0 twice): the case a
    // clash attack needs.
    let same = small_plain(true, [0, 5, 10]);
    let mut cast: Vec<(usize, Vec<u8>, CastReceipt)> = Vec::new();
    for i in [0, 1, 2, 3, 4, 5, 0] {
        let bytes = r.ballot(i, &same).to_bytes();
        let rc = c.cast(round, bytes.clone()).await.unwrap();
        voter_checks_receipt(&manifest, &bytes, &rc).expect("an honest receipt passes");
        cast.push((i, bytes, rc));
    }
    let (_, a_bytes, a_rc) = cast[0].clone();
    let (_, b_bytes, b_rc) = cast[1].clone();

    // Honest ballots never share a tracking code, even for equal votes and
    // the same voter's revote: fresh randomness, and the bytes name the
    // credential that signed them.
    let entries = all_entries(c, round).await;
    let ballots: Vec<&LogEntry> = entries
        .iter()
        .filter(|e| e.entry.kind() == "ballot")
        .collect();
    assert_eq!(ballots.len(), cast.len());
    let codes: std::collections::HashSet<[u8; 32]> = ballots
        .iter()
        .map(|e| tracking_code(e.entry.payload()))
        .collect();
    assert_eq!(codes.len(), cast.len(), "two ballots share a tracking code");
    for (i, bytes, rc) in &cast {
        let on_board = &entries[rc.receipt.index as usize];
        assert_eq!(on_board.entry.payload(), &bytes[..]);
        let ballot = Ballot::parse_canonical(on_board.entry.payload()).unwrap();
        let own: psephos_crypto::point::Point = r.voters[*i]
            .code
            .signing_key(&r.stmt.election_id)
            .public()
            .into();
        assert_eq!(
            ballot.body.credential, own,
            "the entry names its own voter's credential"
        );
    }

    // 1. The server answers B's cast with A's receipt (A's entry, A's
    //    tracking code): B's booth refuses it, as the receipt proves the
    //    inclusion of bytes that are not B's.
    assert_ne!(a_rc.tracking_code, b_rc.tracking_code);
    assert_eq!(
        voter_checks_receipt(&manifest, &b_bytes, &a_rc),
        Err("board.receipt")
    );
    // Only the tracking code swapped in, the receipt B's own: refused too.
    let mixed = CastReceipt {
        tracking_code: a_rc.tracking_code.clone(),
        receipt: b_rc.receipt.clone(),
    };
    assert_eq!(
        voter_checks_receipt(&manifest, &b_bytes, &mixed),
        Err("tracking_code.mismatch")
    );

    // 2. Later, B looks up B's tracking code and the server points to A's
    //    entry: its bytes do not hash to B's code.
    let b_code = hex::encode(tracking_code(&b_bytes));
    voter_looks_up(c, round, &manifest, &b_code, b_rc.receipt.index)
        .await
        .expect("B's own entry passes the lookup");
    assert_eq!(
        voter_looks_up(c, round, &manifest, &b_code, a_rc.receipt.index).await,
        Err("board.tracking_mismatch")
    );

    // 3. The server re-labels A's ballot as B's (B's credential in A's
    //    body): no signature by B's credential can be made without B's
    //    code, the proofs are bound to A's credential, and the bytes still
    //    differ from B's. The server's own cast check refuses it, and B's
    //    booth would.
    let mut relabelled = Ballot::parse_canonical(&a_bytes).unwrap();
    let b_key = r.voters[1].code.signing_key(&r.stmt.election_id);
    relabelled.body.credential = b_key.public().into();
    assert!(relabelled.verify(&r.stmt, &mut OsRng).is_err());
    let forged = relabelled.to_bytes();
    assert_ne!(tracking_code(&forged), tracking_code(&b_bytes));
    assert!(c.cast(round, forged).await.is_err());
    ts.running.stop().await;
}

/// Entries `(kind, payload)` of an exported record, and its last
/// checkpoint's time.
fn entries_of(record: &[u8]) -> (ElectionId, Vec<(String, Vec<u8>)>, u64) {
    let mut lines = record.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let header: serde_json::Value = serde_json::from_slice(lines.next().unwrap()).unwrap();
    let election = ElectionId::from_hex(header["election"].as_str().unwrap()).unwrap();
    let (mut entries, mut time) = (Vec::new(), 0);
    for l in lines {
        if let Ok(e) = serde_json::from_slice::<LogEntry>(l) {
            entries.push((e.entry.kind().to_string(), e.entry.payload().to_vec()));
        } else {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            time = v["checkpoint"]["time"].as_u64().unwrap_or(time);
        }
    }
    (election, entries, time)
}

/// The record of `entries` as the server would publish it, re-signed with
/// its own board key: a checkpoint every 4 entries and at the end.
fn rewrite(
    key: &psephos_board::SigningKey,
    election: ElectionId,
    entries: &[(String, Vec<u8>)],
    time: u64,
) -> Vec<u8> {
    let n = entries.len() as u64;
    let mut w = RecordWriter::new(Vec::new(), election, n).unwrap();
    let mut tree = MerkleTree::new();
    for (i, (kind, payload)) in entries.iter().enumerate() {
        let entry = Entry::new(kind, payload).unwrap();
        tree.push(entry.leaf_hash());
        let index = i as u64;
        w.write_entry(&LogEntry { index, entry }).unwrap();
        if (index + 1) % 4 == 0 || index + 1 == n {
            let cp: SignedCheckpoint = Checkpoint {
                election,
                size: index + 1,
                root: tree.root(),
                time,
            }
            .sign(key);
            w.write_checkpoint(&cp).unwrap();
        }
    }
    w.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clash_attack_keeping_one_of_two_equal_votes_is_named_by_the_other_receipt() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let r = open_round(&ts, small_questions(), 3, RevotePolicy::LastCounts).await;
    let c = &ts.anon;
    let round = r.round().to_string();
    let manifest = c.manifest(&round).await.unwrap();
    let same = small_plain(false, [10, 0, 3]);
    let a_bytes = r.ballot(0, &same).to_bytes();
    let a_rc = c.cast(&round, a_bytes.clone()).await.unwrap();
    let b_bytes = r.ballot(1, &same).to_bytes();
    let b_rc = c.cast(&round, b_bytes.clone()).await.unwrap();
    let other = r.ballot(2, &small_plain(true, [1, 1, 1])).to_bytes();
    c.cast(&round, other).await.unwrap();
    // Both voters' booths accepted their receipts: the server did post
    // both ballots under signed checkpoints.
    voter_checks_receipt(&manifest, &a_bytes, &a_rc).unwrap();
    voter_checks_receipt(&manifest, &b_bytes, &b_rc).unwrap();
    assert!(
        a_rc.receipt.checkpoint.size <= b_rc.receipt.index,
        "A's checkpoint precedes B's ballot"
    );
    r.driver.finish(&[1, 2]).await.unwrap();
    let honest = c.record(&round).await.unwrap();
    let key = psephos_server::app::load_or_create_key(&ts.dir.path().join("board.key")).unwrap();
    ts.running.stop().await;

    let opts = Options::default();
    for rc in [&a_rc, &b_rc] {
        let rep = check_receipt(&BytesSource(honest.clone()), &rc.receipt, &opts).unwrap();
        assert!(rep.ok(), "{}", rep.record.to_text());
        assert_eq!(
            rep.tracking_code.as_deref(),
            Some(rc.tracking_code.as_str())
        );
    }

    // The clash: the server keeps A's ballot as "the" ballot of both
    // voters, removes B's, and re-signs the whole board with its own key.
    let (election, mut entries, time) = entries_of(&honest);
    let b_at = b_rc.receipt.index as usize;
    assert_eq!(entries[b_at].1, b_bytes);
    entries.remove(b_at);
    let clashed = BytesSource(rewrite(&key, election, &entries, time));

    // A's receipt still checks out entry by entry: A sees nothing wrong.
    let a = check_receipt(&clashed, &a_rc.receipt, &opts).unwrap();
    assert!(a.receipt_valid && a.on_board && a.consistent && a.counted);
    assert_eq!(
        a.tracking_code.as_deref(),
        Some(a_rc.tracking_code.as_str())
    );
    // B's receipt is still validly signed by the board key, and it names
    // the missing ballot: its index no longer holds B's leaf, and the
    // checkpoint it carries is not a prefix of the published log (4.2).
    let b = check_receipt(&clashed, &b_rc.receipt, &opts).unwrap();
    assert!(b.receipt_valid, "the receipt is the server's own signature");
    assert!(!b.ok());
    assert!(!b.on_board, "B's leaf is not at B's index");
    assert_ne!(
        b.tracking_code.as_deref(),
        Some(b_rc.tracking_code.as_str())
    );
    assert!(
        b.record
            .failures
            .iter()
            .any(|f| f.step == "4.2" && f.message.contains("rewritten")),
        "{}",
        b.record.to_text()
    );
    // The missing ballot is exactly the one the receipt's leaf names: B's
    // bytes, nowhere on the published board.
    let leaf = Entry::new("ballot", &b_bytes).unwrap().leaf_hash();
    assert_eq!(leaf, b_rc.receipt.leaf_hash);
    assert!(entries
        .iter()
        .all(|(k, p)| Entry::new(k, p).unwrap().leaf_hash() != leaf));
    // And the same holds for anyone holding B's receipt's checkpoint (an
    // observer B gave it to): the board signed at that size had another
    // root, a proof of the server's misbehaviour under its own key.
    let observer = Options {
        known: vec![b_rc.receipt.checkpoint],
        ..Options::default()
    };
    let seen = psephos_verifier::verify(&clashed, &observer).unwrap();
    assert!(!seen.valid);
    assert!(seen.failures.iter().any(|f| f.step == "4.2"));
}
