//! The tamper suite on a real record (verification.md; issue 7): a round of
//! the demo's questions run by the server over HTTP, exported, then altered
//! the way a dishonest server would — entries changed, moved, dropped or
//! added, and the board re-signed with the server's own key so that only the
//! cryptography catches it. Each altered record must be refused with the
//! right step number.

mod common;

use common::*;
use psephos_board::record::RecordWriter;
use psephos_board::{Checkpoint, ElectionId, Entry, LogEntry, MerkleTree, SignedCheckpoint};
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::AuditedBallot;
use psephos_server::demo::questions::{demo_questions, random_ballot};
use psephos_verifier::{verify, BytesSource, Options, Report};
use rand_core::OsRng;

type Entries = Vec<(String, Vec<u8>)>;

struct Honest {
    key: psephos_board::SigningKey,
    election: ElectionId,
    entries: Entries,
    time: u64,
    record: Vec<u8>,
}

/// Runs a round of the demo's questions (8 voters, a revote, an audited
/// ballot) and reads its exported record back.
async fn honest() -> Honest {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let r = open_round(&ts, demo_questions(), 8, RevotePolicy::LastCounts).await;
    for i in 0..r.voters.len() {
        if i == 2 {
            let plain = random_ballot(&r.questions, &mut OsRng);
            let k = r.voters[i].code.signing_key(&r.stmt.election_id);
            let (b, openings) =
                psephos_crypto::ballot::Ballot::cast(&r.stmt, &k, &plain, &mut OsRng).unwrap();
            let bytes = serde_json::to_vec(&AuditedBallot::new(b, openings)).unwrap();
            ts.anon.audit(r.round(), bytes).await.unwrap();
        }
        let plain = random_ballot(&r.questions, &mut OsRng);
        ts.anon
            .cast(r.round(), r.ballot(i, &plain).to_bytes())
            .await
            .unwrap();
    }
    let plain = random_ballot(&r.questions, &mut OsRng);
    ts.anon
        .cast(r.round(), r.ballot(0, &plain).to_bytes())
        .await
        .unwrap();
    r.driver.finish(&[1, 2]).await.unwrap();
    let record = ts.anon.record(r.round()).await.unwrap().to_vec();
    let key = psephos_server::app::load_or_create_key(&ts.dir.path().join("board.key")).unwrap();
    let mut lines = record.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let header: serde_json::Value = serde_json::from_slice(lines.next().unwrap()).unwrap();
    let election = ElectionId::from_hex(header["election"].as_str().unwrap()).unwrap();
    let mut entries = Vec::new();
    let mut time = 0;
    for l in lines {
        if let Ok(e) = serde_json::from_slice::<LogEntry>(l) {
            entries.push((e.entry.kind().to_string(), e.entry.payload().to_vec()));
        } else {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            time = v["checkpoint"]["time"].as_u64().unwrap();
        }
    }
    ts.running.stop().await;
    Honest {
        key,
        election,
        entries,
        time,
        record,
    }
}

impl Honest {
    /// The entries laid out as a record, re-signed with the board's key,
    /// a checkpoint every 4 entries and at the end.
    fn write(&self, entries: &Entries) -> Vec<u8> {
        let n = entries.len() as u64;
        let mut w = RecordWriter::new(Vec::new(), self.election, n).unwrap();
        let mut tree = MerkleTree::new();
        for (i, (kind, payload)) in entries.iter().enumerate() {
            let entry = Entry::new(kind, payload).unwrap();
            tree.push(entry.leaf_hash());
            let index = i as u64;
            w.write_entry(&LogEntry { index, entry }).unwrap();
            if (index + 1) % 4 == 0 || index + 1 == n {
                w.write_checkpoint(&self.checkpoint(&tree, index + 1))
                    .unwrap();
            }
        }
        w.finish().unwrap()
    }

    fn checkpoint(&self, tree: &MerkleTree, size: u64) -> SignedCheckpoint {
        Checkpoint {
            election: self.election,
            size,
            root: tree.root(),
            time: self.time,
        }
        .sign(&self.key)
    }

    /// The signed checkpoint of the honest log at `size` (what a voter's
    /// receipt or an observer's earlier run holds).
    fn honest_checkpoint(&self, size: usize) -> SignedCheckpoint {
        let mut tree = MerkleTree::new();
        for (kind, payload) in &self.entries[..size] {
            tree.push(Entry::new(kind, payload).unwrap().leaf_hash());
        }
        self.checkpoint(&tree, size as u64)
    }

    fn position(&self, kind: &str) -> usize {
        self.entries.iter().position(|(k, _)| k == kind).unwrap()
    }

    fn last_position(&self, kind: &str) -> usize {
        self.entries.iter().rposition(|(k, _)| k == kind).unwrap()
    }
}

fn run(bytes: Vec<u8>, opts: &Options) -> Report {
    verify(&BytesSource(bytes), opts).unwrap()
}

/// Replaces the first occurrence of `from` after `after` in the payload.
fn replace_after(payload: &[u8], after: &str, from: &str, to: &str) -> Vec<u8> {
    let text = std::str::from_utf8(payload).unwrap();
    let start = text.find(after).unwrap_or_else(|| panic!("no {after}")) + after.len();
    let at = start + text[start..].find(from).unwrap();
    let mut out = text[..at].to_string();
    out.push_str(to);
    out.push_str(&text[at + from.len()..]);
    out.into_bytes()
}

/// The hex string value following `key` (a `"key":"…"` field).
fn hex_after(payload: &[u8], key: &str) -> String {
    let text = std::str::from_utf8(payload).unwrap();
    let i = text.find(&format!("\"{key}\":\"")).unwrap() + key.len() + 4;
    text[i..i + 64].to_string()
}

fn flip_first_hex(h: &str) -> String {
    let c = if h.starts_with('0') { '1' } else { '0' };
    format!("{c}{}", &h[1..])
}

fn assert_fails(name: &str, report: &Report, step: &str) {
    assert!(!report.valid, "{name}: accepted\n{}", report.to_text());
    assert!(
        report.failures.iter().any(|f| f.step.starts_with(step)),
        "{name}: no failure of step {step}\n{}",
        report.to_text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tampering_of_a_real_record_is_caught_with_its_step() {
    let h = honest().await;
    let opts = Options::default();
    // The export verifies, and so does the same log re-signed here: the
    // harness itself changes nothing.
    assert!(run(h.record.clone(), &opts).valid);
    let rewritten = run(h.write(&h.entries), &opts);
    assert!(rewritten.valid, "{}", rewritten.to_text());

    let first = h.position("ballot");
    let last = h.last_position("ballot");
    let close = h
        .entries
        .iter()
        .position(|(k, p)| k == "transition" && p.windows(7).any(|w| w == b"\"close\""))
        .unwrap();
    let ballot = h.entries[first].1.clone();
    let mut cases: Vec<(&str, Entries, &str)> = Vec::new();
    let with = |i: usize, payload: Vec<u8>| {
        let mut e = h.entries.clone();
        e[i].1 = payload;
        e
    };

    // Proofs and form (step 5).
    let z = hex_after(&ballot, "z_r");
    cases.push((
        "flipped byte in a proof",
        with(first, replace_after(&ballot, "", &z, &flip_first_hex(&z))),
        "5.3",
    ));
    let r0 = hex_after(&ballot, "r");
    let text = std::str::from_utf8(&ballot).unwrap();
    let second_r = {
        let i = text.find(&r0).unwrap() + 64;
        hex_after(&text.as_bytes()[i..], "r")
    };
    let swapped = replace_after(&ballot, "", &r0, &"x".repeat(64));
    let swapped = replace_after(&swapped, "", &second_r, &r0);
    let swapped = replace_after(&swapped, "", &"x".repeat(64), &second_r);
    cases.push(("swapped ciphertexts", with(first, swapped), "5.3"));
    let mine = hex_after(&ballot, "credential");
    let other = h
        .entries
        .iter()
        .filter(|(k, _)| k == "ballot")
        .map(|(_, p)| hex_after(p, "credential"))
        .find(|c| *c != mine)
        .unwrap();
    cases.push((
        "proof for another credential",
        with(first, replace_after(&ballot, "", &mine, &other)),
        "5.3",
    ));
    // The basepoint: a valid point, but no voter's credential.
    let g = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76";
    cases.push((
        "credential not on the list",
        with(first, replace_after(&ballot, "", &mine, g)),
        "5.2",
    ));
    let commitment = {
        let t = std::str::from_utf8(&ballot).unwrap();
        let i = t.find("\"commitments\":[\"").unwrap() + 16;
        t[i..i + 64].to_string()
    };
    let non_canonical = "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";
    cases.push((
        "non-canonical point",
        with(
            first,
            replace_after(&ballot, "", &commitment, non_canonical),
        ),
        "5.1",
    ));
    cases.push((
        "identity point",
        with(first, replace_after(&ballot, "", &r0, &"0".repeat(64))),
        "5.1",
    ));
    let mut replayed = h.entries.clone();
    replayed.insert(close, ("ballot".into(), ballot.clone()));
    cases.push(("the same ballot twice", replayed, "5.1"));

    // Board (step 4).
    let mut late = h.entries.clone();
    let moved = late.remove(last);
    late.insert(close, moved);
    cases.push(("ballot after close", late, "4.5"));
    let mut no_close = h.entries.clone();
    no_close.remove(close);
    cases.push(("close transition removed", no_close, "4.4"));

    // Counting, decryption, results (steps 7–9).
    let t = h.position("tally");
    let tr = hex_after(&h.entries[t].1, "r");
    cases.push((
        "encrypted tally altered",
        with(
            t,
            replace_after(&h.entries[t].1, "", &tr, &flip_first_hex(&tr)),
        ),
        "7",
    ));
    let d = h.position("decryption");
    let share = hex_after(&h.entries[d].1, "share");
    cases.push((
        "forged decryption share",
        with(
            d,
            replace_after(&h.entries[d].1, "", &share, &flip_first_hex(&share)),
        ),
        "8",
    ));
    let res = h.position("result");
    let result = &h.entries[res].1;
    let totals = {
        let t = std::str::from_utf8(result).unwrap();
        let i = t.find("\"totals\":[").unwrap() + 10;
        let j = i + t[i..].find(|c: char| !c.is_ascii_digit()).unwrap();
        t[i..j].parse::<u64>().unwrap()
    };
    cases.push((
        "wrong published total",
        with(
            res,
            replace_after(
                result,
                "",
                &format!("\"totals\":[{totals},"),
                &format!("\"totals\":[{},", totals + 1),
            ),
        ),
        "9",
    ));
    let ranking = {
        let t = std::str::from_utf8(result).unwrap();
        let i = t.find("\"ranking\":[").unwrap() + 10;
        let j = i + t[i..].find("]]").unwrap() + 2;
        t[i..j].to_string()
    };
    let tiers: Vec<Vec<u64>> = serde_json::from_str(&ranking).unwrap();
    let mut reversed = tiers.clone();
    reversed.reverse();
    cases.push((
        "wrong Schulze ranking",
        with(
            res,
            replace_after(
                result,
                "",
                &format!("\"ranking\":{ranking}"),
                &format!("\"ranking\":{}", serde_json::to_string(&reversed).unwrap()),
            ),
        ),
        "9",
    ));

    // Audited ballots (step 10): the audited ballot also cast.
    let a = h.position("audited");
    let audited: serde_json::Value = serde_json::from_slice(&h.entries[a].1).unwrap();
    let inner = {
        let t = std::str::from_utf8(&h.entries[a].1).unwrap();
        let i = t.find("\"ballot\":").unwrap() + 9;
        let j = t.find(",\"openings\"").unwrap();
        t.as_bytes()[i..j].to_vec()
    };
    assert!(audited["ballot"].is_object());
    // Posted as its voter's last ballot, so it would be counted.
    let mut counted = h.entries.clone();
    counted.insert(close, ("ballot".into(), inner));
    cases.push(("audited ballot also cast", counted, "10"));

    // Setup (step 1): the manifest changed after the fact.
    let m = replace_after(&h.entries[0].1, "\"title\":{\"en\":\"", "T", "t");
    cases.push(("manifest altered", with(0, m), "1"));

    assert!(cases.len() >= 15, "{}", cases.len());
    for (name, entries, step) in &cases {
        assert_fails(name, &run(h.write(entries), &opts), step);
    }

    // A dropped ballot, the board rewritten and re-signed: caught by the
    // checkpoint a voter's receipt (or an observer's earlier run) holds.
    let mut dropped = h.entries.clone();
    dropped.remove(first);
    let bytes = h.write(&dropped);
    let known = Options {
        known: vec![h.honest_checkpoint(last + 1)],
        ..Options::default()
    };
    assert_fails("dropped ballot", &run(bytes, &known), "4.2");

    // A truncated file.
    let cut = h.record[..h.record.len() * 2 / 3].to_vec();
    assert!(!run(cut, &opts).valid);
}
