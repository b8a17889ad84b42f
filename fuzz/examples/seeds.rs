//! Writes the committed seed corpora under `corpus/<target>/seed-*` and
//! `data/demo-manifest.json` from the spec's vectors and a demo record
//! (specs/fuzzing.md, "Seeds"):
//!
//! ```sh
//! cargo run --release -p psephos-server -- demo --voters 20 --exit --export /tmp/rec.jsonl
//! cargo run --manifest-path fuzz/Cargo.toml --example seeds -- /tmp/rec.jsonl
//! ```
//!
//! Only small documents are kept (the whole seed set stays a few hundred
//! KB): the record seeds are prefixes of the demo record that end at a
//! checkpoint, with the header's size cut to match.

use std::path::{Path, PathBuf};

use psephos_board::record::{CheckpointLine, RecordHeader};
use psephos_board::{LogEntry, MerkleTree, Receipt, SignedCheckpoint};
use psephos_crypto::record::{EncryptedTally, Manifest};
use psephos_crypto::threshold::ceremony::CeremonyRecord;
use psephos_trustee::wire;

/// Largest single seed written.
const MAX_SEED: usize = 112 * 1024;

struct Out {
    root: PathBuf,
    written: usize,
}

impl Out {
    fn put(&mut self, target: &str, name: &str, bytes: &[u8]) {
        if bytes.len() > MAX_SEED {
            eprintln!("skip {target}/{name}: {} bytes", bytes.len());
            return;
        }
        let dir = self.root.join("corpus").join(target);
        std::fs::create_dir_all(&dir).expect("corpus dir");
        std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("write seed");
        self.written += bytes.len();
    }

    fn json<T: serde::Serialize>(&mut self, target: &str, name: &str, v: &T) {
        self.put(target, name, &serde_json::to_vec(v).expect("serialises"));
    }

    fn keyed<T: serde::Serialize>(&mut self, target: &str, name: &str, key: &[u8; 32], v: &T) {
        let mut b = key.to_vec();
        b.extend(serde_json::to_vec(v).expect("serialises"));
        self.put(target, name, &b);
    }
}

enum Line {
    Entry(LogEntry),
    Checkpoint(SignedCheckpoint),
}

fn read_record(path: &Path) -> (RecordHeader, Vec<Line>) {
    let text = std::fs::read_to_string(path).expect("record file");
    let mut lines = text.lines();
    let header: RecordHeader =
        serde_json::from_str(lines.next().expect("header")).expect("header JSON");
    let body = lines
        .map(|l| match serde_json::from_str::<LogEntry>(l) {
            Ok(e) => Line::Entry(e),
            Err(_) => Line::Checkpoint(
                serde_json::from_str::<CheckpointLine>(l)
                    .expect("entry or checkpoint line")
                    .checkpoint,
            ),
        })
        .collect();
    (header, body)
}

/// The record's lines up to the checkpoint of `size`, header cut to it.
fn prefix(header: &RecordHeader, lines: &[Line], size: u64) -> Vec<u8> {
    let mut h = header.clone();
    h.size = size;
    let mut out = serde_json::to_vec(&h).expect("header");
    out.push(b'\n');
    for l in lines {
        let (bytes, done) = match l {
            Line::Entry(e) if e.index < size => (serde_json::to_vec(e), false),
            Line::Checkpoint(c) if c.size <= size => (
                serde_json::to_vec(&CheckpointLine { checkpoint: *c }),
                c.size == size,
            ),
            _ => continue,
        };
        out.extend(bytes.expect("line"));
        out.push(b'\n');
        if done {
            break;
        }
    }
    out
}

/// The record without its ballots, re-indexed and without checkpoints:
/// the board checks fail, but the tally, decryption shares and result
/// still reach steps 7–9.
fn skeleton(header: &RecordHeader, entries: &[&LogEntry]) -> Vec<u8> {
    let kept: Vec<&LogEntry> = entries
        .iter()
        .filter(|e| !matches!(e.entry.kind(), "ballot" | "audited"))
        .copied()
        .collect();
    let mut h = header.clone();
    h.size = kept.len() as u64;
    let mut out = serde_json::to_vec(&h).expect("header");
    out.push(b'\n');
    for (i, e) in kept.iter().enumerate() {
        let line = LogEntry {
            index: i as u64,
            entry: e.entry.clone(),
        };
        out.extend(serde_json::to_vec(&line).expect("line"));
        out.push(b'\n');
    }
    out
}

fn board_and_proofs(out: &mut Out) {
    let t = psephos_fuzz::fixed_tree();
    let n = psephos_fuzz::TREE_LEAVES;
    for (a, b) in [
        (0u64, 1u64),
        (3, 8),
        (5, 13),
        (36, 37),
        (16, 32),
        (0, 37),
        (7, 7),
        (0, 0),
    ] {
        let mut raw = vec![0u8];
        raw.extend(a.to_le_bytes());
        raw.extend(b.to_le_bytes());
        if let Ok(p) = t.inclusion_proof(a, b) {
            let mut j = vec![1u8];
            j.extend(serde_json::to_vec(&p).expect("proof"));
            out.put("inclusion_proof", &format!("json-{a}-{b}"), &j);
            out.put("inclusion_proof", &format!("raw-{a}-{b}"), &raw);
        }
        if let Ok(p) = t.consistency_proof(a, b.min(n)) {
            let mut j = vec![1u8];
            j.extend(serde_json::to_vec(&p).expect("proof"));
            out.put("consistency_proof", &format!("json-{a}-{b}"), &j);
            out.put("consistency_proof", &format!("raw-{a}-{b}"), &raw);
        }
    }
}

fn rolls(out: &mut Out) {
    out.put(
        "roll_csv",
        "plain",
        b"member_id,email\nm1,a@example.org\n\nm2,b@example.org\n",
    );
    out.put(
        "roll_csv",
        "weights",
        b"member_id,email,weight\nm1,a@example.org,3\n\"m 2\",b@example.org,1000000\n",
    );
    out.put(
        "roll_csv",
        "bad",
        b"member_id,email,weight\nm1,a@example.org,1\nm2,not-an-email,1\nm1,d@example.org,0\n",
    );
}

fn main() {
    let record = std::env::args().nth(1).expect("usage: seeds RECORD.jsonl");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Out {
        root: root.clone(),
        written: 0,
    };

    let vector: serde_json::Value =
        serde_json::from_str(include_str!("../../specs/vectors/ballot-yes-no.json"))
            .expect("vector");
    let ballot = vector["ballot_bytes"].as_str().expect("ballot bytes");
    out.put("ballot", "vector-yes-no", ballot.as_bytes());
    board_and_proofs(&mut out);
    rolls(&mut out);

    let (header, lines) = read_record(Path::new(&record));
    let entries: Vec<&LogEntry> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Entry(e) => Some(e),
            Line::Checkpoint(_) => None,
        })
        .collect();
    let checkpoints: Vec<&SignedCheckpoint> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Checkpoint(c) => Some(c),
            Line::Entry(_) => None,
        })
        .collect();
    let manifest_bytes = entries[0].entry.payload();
    let manifest = Manifest::parse(manifest_bytes).expect("demo manifest");
    std::fs::write(root.join("data/demo-manifest.json"), manifest_bytes).expect("manifest");
    out.put("manifest", "demo", manifest_bytes);
    let key = manifest.board_key;

    let mut kinds_seen = std::collections::BTreeSet::new();
    for e in &entries {
        let kind = e.entry.kind().to_string();
        let payload = e.entry.payload();
        if !kinds_seen.insert(kind.clone()) {
            continue;
        }
        // Ballots are the ballot target's seeds; here they would only be bulk.
        if !matches!(kind.as_str(), "ballot" | "audited") {
            out.put("board_entry", &format!("raw-{kind}"), e.entry.as_bytes());
            out.json("board_entry", &format!("line-{kind}"), e);
        }
        match kind.as_str() {
            "ballot" => out.put("ballot", "demo", payload),
            "ceremony" => {
                out.put("threshold_messages", "ceremony-record", payload);
                let rec: CeremonyRecord = serde_json::from_slice(payload).expect("ceremony");
                out.json("threshold_messages", "announcement", &rec.announcements[0]);
                out.json("threshold_messages", "commitments", &rec.commitments[0]);
                out.json("threshold_messages", "share", &rec.shares[0]);
                if let Some(c) = rec.complaints.first() {
                    out.json("threshold_messages", "complaint", c);
                }
                let dealer = rec.commitments[0].dealer;
                let dealing = wire::Dealing {
                    commitments: rec.commitments[0].clone(),
                    shares: rec
                        .shares
                        .iter()
                        .filter(|s| s.dealer == dealer)
                        .cloned()
                        .collect(),
                };
                out.json("trustee_wire", "dealing", &dealing);
                out.json(
                    "trustee_wire",
                    "complaints",
                    &wire::ComplaintList { complaints: vec![] },
                );
            }
            "decryption" => out.put("threshold_messages", "decryption-share", payload),
            "tally" => {
                if let Ok(tally) = serde_json::from_slice::<EncryptedTally>(payload) {
                    out.json("trustee_wire", "tally", &wire::TallyView { you: 1, tally });
                }
            }
            _ => {}
        }
    }
    let small: Vec<LogEntry> = entries.iter().take(4).map(|e| (*e).clone()).collect();
    out.json(
        "trustee_wire",
        "entries",
        &wire::EntriesPage {
            entries: small,
            size: header.size,
        },
    );
    out.put(
        "trustee_wire",
        "error",
        br#"{"error":{"code":"roll.bad_lines","message":"bad","lines":[{"line":2,"message":"x"}]}}"#,
    );

    let tree = MerkleTree::from_leaves(entries.iter().map(|e| e.leaf_hash()));
    for (n, cp) in checkpoints
        .iter()
        .enumerate()
        .filter(|(n, _)| *n < 2 || *n + 1 == checkpoints.len())
    {
        out.keyed("checkpoint", &format!("demo-{n}"), &key, *cp);
        let index = cp.size / 2;
        let receipt = Receipt {
            index,
            leaf_hash: tree.leaf(index).expect("leaf"),
            checkpoint: **cp,
            inclusion: tree.inclusion_proof(index, cp.size).expect("proof"),
        };
        out.keyed("receipt", &format!("demo-{n}"), &key, &receipt);
        let cast = wire::CastReceipt {
            tracking_code: hex::encode(entries[index as usize].entry.payload_hash().0),
            receipt,
        };
        out.keyed("receipt", &format!("cast-{n}"), &key, &cast);
    }
    // Setup only (manifest, ceremony, credentials, opening), and setup
    // with the first ballot.
    for size in [4, 5] {
        let rec = prefix(&header, &lines, size);
        if size == 4 {
            let mut keyed = key.to_vec();
            keyed.extend(&rec);
            out.put("board_record", &format!("demo-prefix-{size}"), &keyed);
            out.put(
                "board_record",
                "demo-prefix-1",
                &[&key[..], &prefix(&header, &lines, 1)].concat(),
            );
        }
        out.put("verifier_record", &format!("demo-prefix-{size}"), &rec);
    }
    out.put(
        "verifier_record",
        "demo-skeleton",
        &skeleton(&header, &entries),
    );
    eprintln!("{} bytes of seeds written", out.written);
}
