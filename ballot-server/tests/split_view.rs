//! Split views (threats.md T10, still Open): a dishonest server shows one
//! board to some voters and another to the rest. Each view alone is a
//! well-formed, signed board that verifies, so nothing here forces the
//! views to meet; what this test shows is the other half of the design,
//! that once two views meet (two voters, an observer and a voter, or two
//! monitors compare checkpoints) the server's own signatures prove its
//! misbehaviour with the existing checks only:
//!
//! - two checkpoints signed by the board key, of the same election and
//!   size, with different roots: an equivocation on its face;
//! - of different sizes: no consistency proof from the smaller to the
//!   larger can verify (the honest server's own proof for its real board
//!   does not connect the fork's checkpoint);
//! - the verifier run on one view with a checkpoint of the other as a
//!   known checkpoint fails step 4.2.

mod common;

use common::board_check::all_entries;
use common::*;
use psephos_board::record::RecordWriter;
use psephos_board::{
    BoardPublicKey, Checkpoint, ConsistencyProof, ElectionId, Entry, LogEntry, MerkleTree,
    SignedCheckpoint,
};
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_verifier::{verify, BytesSource, Options};

/// Two signed checkpoints that prove the board's equivocation: both valid
/// under `key`, same election, and either the same size with different
/// roots, or sizes for which `proof` (the server's answer to "show that
/// the smaller is a prefix of the larger") does not verify.
fn equivocation(
    key: &BoardPublicKey,
    a: &SignedCheckpoint,
    b: &SignedCheckpoint,
    proof: Option<&ConsistencyProof>,
) -> bool {
    if a.verify(key).is_err() || b.verify(key).is_err() || a.election != b.election {
        return false;
    }
    let (old, new) = if a.size <= b.size { (a, b) } else { (b, a) };
    if old.size == new.size {
        return old.root != new.root;
    }
    match proof {
        Some(p) if p.old_size == old.size && p.new_size == new.size => {
            p.verify(&old.root, &new.root).is_err()
        }
        _ => false, // no proof asked for yet: not evidence on its own
    }
}

/// A view of the board: `entries` as laid out, signed with `key`, a
/// checkpoint every 4 entries and at the end; its tree and last checkpoint.
struct View {
    record: Vec<u8>,
    tree: MerkleTree,
    last: SignedCheckpoint,
}

fn view(
    key: &psephos_board::SigningKey,
    election: ElectionId,
    entries: &[LogEntry],
    time: u64,
) -> View {
    let n = entries.len() as u64;
    let mut w = RecordWriter::new(Vec::new(), election, n).unwrap();
    let mut tree = MerkleTree::new();
    let mut last = None;
    for (i, e) in entries.iter().enumerate() {
        let entry = Entry::new(e.entry.kind(), e.entry.payload()).unwrap();
        tree.push(entry.leaf_hash());
        let index = i as u64;
        w.write_entry(&LogEntry { index, entry }).unwrap();
        if (index + 1) % 4 == 0 || index + 1 == n {
            let cp = Checkpoint {
                election,
                size: index + 1,
                root: tree.root(),
                time,
            }
            .sign(key);
            w.write_checkpoint(&cp).unwrap();
            last = Some(cp);
        }
    }
    View {
        record: w.finish().unwrap(),
        tree,
        last: last.unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_views_are_proven_by_the_servers_own_checkpoints_once_they_meet() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let r = open_round(&ts, small_questions(), 4, RevotePolicy::LastCounts).await;
    let c = &ts.anon;
    let round = r.round();
    for i in 0..4 {
        let b = r.ballot(i, &small_plain(i % 2 == 0, [i as u64, 0, 10]));
        c.cast(round, b.to_bytes()).await.unwrap();
    }
    let (manifest, _) = c.manifest(round).await.unwrap();
    let key = BoardPublicKey(manifest.board_key);
    let signing =
        psephos_server::app::load_or_create_key(&ts.dir.path().join("board.key")).unwrap();
    let entries = all_entries(c, round).await;
    let served = c.checkpoint(round).await.unwrap();
    let election = served.election;
    ts.running.stop().await;

    // View 1: the board as served. View 2, shown to other voters: the same
    // ballots with the last two swapped (same size), and view 3: the last
    // ballot left out (smaller), each re-signed with the board's key.
    let v1 = view(&signing, election, &entries, served.time);
    assert_eq!(v1.last.root, served.root, "view 1 is the served board");
    let n = entries.len();
    let mut swapped = entries.clone();
    swapped.swap(n - 1, n - 2);
    let v2 = view(&signing, election, &swapped, served.time);
    let v3 = view(&signing, election, &entries[..n - 1], served.time);

    // Alone, each view is a sound board of an open round (steps 1–6 and
    // 10 pass; 7–9 wait for the tally): nothing in it shows the split.
    let opts = Options::default();
    for (name, v) in [("view 1", &v1), ("view 2", &v2), ("view 3", &v3)] {
        let rep = verify(&BytesSource(v.record.clone()), &opts).unwrap();
        assert!(rep.failures.is_empty(), "{name} alone: {}", rep.to_text());
        assert!(rep.steps.iter().filter(|s| s.ran).all(|s| s.ok));
    }

    // Same size, different roots, both signed: an equivocation on its face.
    assert_eq!(v1.last.size, v2.last.size);
    assert!(equivocation(&key, &v1.last, &v2.last, None));
    // Not evidence: a checkpoint and itself, or two of one view.
    assert!(!equivocation(&key, &v1.last, &v1.last, None));
    let honest = v1
        .tree
        .consistency_proof(v3.last.size, v1.last.size)
        .unwrap();
    assert!(!equivocation(&key, &v3.last, &v1.last, Some(&honest)));

    // Different sizes: view 2's smaller checkpoint meets view 1's; the
    // server's best answer, a consistency proof from its own tree, fails.
    let v2_small = {
        let mut t = MerkleTree::new();
        for e in &swapped[..n - 1] {
            t.push(
                Entry::new(e.entry.kind(), e.entry.payload())
                    .unwrap()
                    .leaf_hash(),
            );
        }
        Checkpoint {
            election,
            size: (n - 1) as u64,
            root: t.root(),
            time: served.time,
        }
        .sign(&signing)
    };
    let p = v1
        .tree
        .consistency_proof(v2_small.size, v1.last.size)
        .unwrap();
    assert!(equivocation(&key, &v2_small, &v1.last, Some(&p)));
    let p2 = v2
        .tree
        .consistency_proof(v2_small.size, v1.last.size)
        .unwrap();
    assert!(equivocation(&key, &v2_small, &v1.last, Some(&p2)));

    // The verifier, given a checkpoint of another view, fails 4.2.
    for (known, other) in [(&v2.last, &v1), (&v1.last, &v2), (&v2_small, &v1)] {
        let rep = verify(
            &BytesSource(other.record.clone()),
            &Options {
                known: vec![*known],
                ..Options::default()
            },
        )
        .unwrap();
        assert!(!rep.valid);
        assert!(
            rep.failures.iter().any(|f| f.step == "4.2"),
            "{}",
            rep.to_text()
        );
    }
    // A checkpoint of the same view is a prefix: no failure.
    let rep = verify(
        &BytesSource(v1.record.clone()),
        &Options {
            known: vec![v3.last],
            ..Options::default()
        },
    )
    .unwrap();
    assert!(rep.failures.is_empty(), "{}", rep.to_text());
}
