//! The board's pure core: entries, checkpoints, proofs and receipts
//! (specs/board.md §2–§6).

use std::sync::OnceLock;

use psephos_board::{
    leaf_hash, BoardPublicKey, Checkpoint, ConsistencyProof, Entry, Hash, InclusionProof, LogEntry,
    MerkleTree, Receipt, SignedCheckpoint,
};
use psephos_trustee::wire::CastReceipt;

use crate::common::{json_roundtrip, split_key};

/// Leaves in the fixed tree the proofs are checked against.
pub const TREE_LEAVES: u64 = 37;

/// The fixed tree of [`TREE_LEAVES`] leaves, `leaf_hash("leaf i")`, that
/// the proof targets check against (public for the seed generator).
pub fn tree() -> &'static MerkleTree {
    static T: OnceLock<MerkleTree> = OnceLock::new();
    T.get_or_init(|| {
        MerkleTree::from_leaves((0..TREE_LEAVES).map(|i| leaf_hash(format!("leaf {i}").as_bytes())))
    })
}

/// Entry bytes and their JSON forms (board.md §2).
///
/// - Accepted canonical bytes are kept exactly; kind and payload split
///   them, and `Entry::new(kind, payload)` rebuilds the same entry.
/// - The hex JSON of an entry and a `LogEntry` line round-trip.
pub fn board_entry(data: &[u8]) {
    if let Ok(e) = Entry::from_bytes(data.to_vec()) {
        assert_eq!(e.as_bytes(), data, "entry bytes changed");
        let (kind, payload) = (e.kind(), e.payload());
        assert_eq!(1 + kind.len() + payload.len(), data.len());
        assert_eq!(
            Entry::new(kind, payload).as_ref(),
            Ok(&e),
            "Entry::new differs"
        );
        assert_eq!(e.leaf_hash(), leaf_hash(data));
        let _ = e.payload_hash();
        assert!(e.check_size(data.len()).is_ok());
        assert!(e.check_size(data.len() - 1).is_err());
        let line = LogEntry {
            index: data.len() as u64,
            entry: e.clone(),
        };
        let json = serde_json::to_vec(&line).expect("serialises");
        assert_eq!(json_roundtrip::<LogEntry>(&json), Some(line));
        let _ = format!("{e:?}");
    }
    let _ = json_roundtrip::<LogEntry>(data);
    let _ = json_roundtrip::<Entry>(data);
}

/// Adds the group order ℓ to the little-endian scalar `s`; `None` on overflow.
fn add_order(s: &[u8]) -> Option<[u8; 32]> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(s[i]) + u16::from(L[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    (carry == 0).then_some(out)
}

/// A signed checkpoint (board.md §5): 32 bytes of board key, then JSON.
///
/// - The JSON round-trips; the signed message has its fixed layout.
/// - A signature that verifies no longer verifies once its `s` is
///   replaced by `s + ℓ` (strict, non-malleable verification).
pub fn checkpoint(data: &[u8]) {
    let (key, doc) = split_key(data);
    let _ = json_roundtrip::<Checkpoint>(doc);
    let Some(cp) = json_roundtrip::<SignedCheckpoint>(doc) else {
        return;
    };
    let m = cp.checkpoint().signed_message();
    assert_eq!(&m[..28], psephos_board::checkpoint::CHECKPOINT_LABEL);
    assert_eq!(&m[60..68], &cp.size.to_be_bytes());
    let _ = format!("{cp:?}");
    if cp.verify(&key).is_ok() {
        if let Some(s) = add_order(&cp.signature[32..]) {
            let mut bad = cp;
            bad.signature[32..].copy_from_slice(&s);
            assert!(bad.verify(&key).is_err(), "malleated signature accepted");
        }
        let mut other = cp;
        other.time ^= 1;
        assert!(other.verify(&key).is_err(), "signature covers no time");
    }
}

/// Little-endian u64 from up to 8 bytes of `b` at `at`.
fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    let chunk = b.get(at..).unwrap_or_default();
    let n = chunk.len().min(8);
    x[..n].copy_from_slice(&chunk[..n]);
    u64::from_le_bytes(x)
}

/// Applies edits driven by `ops` to an honest `path`: drop, duplicate,
/// flip a bit, swap with the next.
fn mutate_path(path: &mut Vec<Hash>, ops: &[u8]) {
    for &op in ops {
        let at = usize::from(op >> 2);
        match op & 3 {
            0 if !path.is_empty() => {
                path.remove(at % path.len());
            }
            1 if !path.is_empty() => {
                let h = path[at % path.len()];
                path.insert(at % path.len(), h);
            }
            2 if !path.is_empty() => {
                let i = at % path.len();
                path[i].0[at % 32] ^= 1 << (op & 7);
            }
            3 if path.len() > 1 => {
                let i = at % (path.len() - 1);
                path.swap(i, i + 1);
            }
            _ => path.push(Hash([op; 32])),
        }
    }
}

/// Reads the first input byte: odd, the following bytes are JSON of the
/// proof; even, they are two sizes (reduced into the fixed tree unless the
/// byte is 2 mod 4) and edits to the honest path.
fn raw_sizes(data: &[u8]) -> (u64, u64) {
    let (a, b) = (u64_at(data, 1), u64_at(data, 9));
    if data[0] & 2 == 0 {
        (a % (TREE_LEAVES + 2), b % (TREE_LEAVES + 2))
    } else {
        (a, b)
    }
}

/// An inclusion proof (board.md §4.1), checked against a fixed tree: it
/// verifies exactly when its path is the honest one (for sizes inside the
/// tree), never outside, and never panics. JSON round-trips.
pub fn inclusion_proof(data: &[u8]) {
    let Some(&first) = data.first() else { return };
    let proof = if first & 1 == 1 {
        let Some(p) = json_roundtrip::<InclusionProof>(&data[1..]) else {
            return;
        };
        p
    } else {
        let (index, size) = raw_sizes(data);
        let mut path = tree()
            .inclusion_proof(index, size)
            .map(|p| p.path)
            .unwrap_or_default();
        mutate_path(&mut path, data.get(17..).unwrap_or_default());
        InclusionProof { index, size, path }
    };
    let t = tree();
    let leaf = t.leaf(proof.index).unwrap_or(Hash([7; 32]));
    let root = t.root_at(proof.size).unwrap_or(Hash([9; 32]));
    let ok = proof.verify(&leaf, &root).is_ok();
    match t.inclusion_proof(proof.index, proof.size) {
        Ok(honest) => {
            assert!(honest.verify(&leaf, &root).is_ok(), "honest proof refused");
            assert_eq!(ok, proof.path == honest.path, "inclusion verdict");
        }
        Err(_) => assert!(!ok, "proof outside the tree accepted"),
    }
}

/// A consistency proof (board.md §4.2), checked against a fixed tree the
/// same way as [`inclusion_proof`]; outside the tree only the proof from
/// the empty tree (empty path) verifies.
pub fn consistency_proof(data: &[u8]) {
    let Some(&first) = data.first() else { return };
    let proof = if first & 1 == 1 {
        let Some(p) = json_roundtrip::<ConsistencyProof>(&data[1..]) else {
            return;
        };
        p
    } else {
        let (old_size, new_size) = raw_sizes(data);
        let mut path = tree()
            .consistency_proof(old_size, new_size)
            .map(|p| p.path)
            .unwrap_or_default();
        mutate_path(&mut path, data.get(17..).unwrap_or_default());
        ConsistencyProof {
            old_size,
            new_size,
            path,
        }
    };
    let t = tree();
    let old_root = t.root_at(proof.old_size).unwrap_or(Hash([7; 32]));
    let new_root = t.root_at(proof.new_size).unwrap_or(Hash([9; 32]));
    let ok = proof.verify(&old_root, &new_root).is_ok();
    match t.consistency_proof(proof.old_size, proof.new_size) {
        Ok(honest) => {
            assert!(
                honest.verify(&old_root, &new_root).is_ok(),
                "honest proof refused"
            );
            assert_eq!(ok, proof.path == honest.path, "consistency verdict");
        }
        // The empty tree is a prefix of every tree, of any size and root.
        Err(_) => assert_eq!(
            ok,
            proof.old_size == 0 && proof.path.is_empty(),
            "consistency verdict outside the tree"
        ),
    }
}

/// A receipt (board.md §6): 32 bytes of board key, then JSON of a board
/// `Receipt` or of the API's `CastReceipt`. Both round-trip; checking
/// never panics; a receipt that checks has agreeing fields.
pub fn receipt(data: &[u8]) {
    let (key, doc) = split_key(data);
    let check = |r: &Receipt| {
        if r.verify(&key).is_ok() {
            assert_eq!(r.inclusion.index, r.index);
            assert_eq!(r.inclusion.size, r.checkpoint.size);
            assert!(r.index < r.checkpoint.size);
        }
        let _ = r.verify_entry(&key, doc);
        let _ = r.verify(&BoardPublicKey([0xff; 32]));
    };
    if let Some(r) = json_roundtrip::<Receipt>(doc) {
        check(&r);
    }
    if let Some(c) = json_roundtrip::<CastReceipt>(doc) {
        check(&c.receipt);
    }
}
