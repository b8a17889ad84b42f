//! Entries, checkpoints, receipts and their serde forms.

use psephos_board::checkpoint::{CHECKPOINT_LABEL, CHECKPOINT_MESSAGE_LEN};
use psephos_board::{
    BoardPublicKey, Checkpoint, ElectionId, Entry, EntryError, Hash, LogEntry, MerkleTree, Receipt,
    SignedCheckpoint, SigningKey,
};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42u8; 32])
}

fn checkpoint() -> Checkpoint {
    Checkpoint {
        election: ElectionId([0xe1; 32]),
        size: 0x0102_0304_0506_0708,
        root: Hash([0xab; 32]),
        time: 1_700_000_000,
    }
}

#[test]
fn entry_bytes_are_kind_len_kind_payload() {
    let e = Entry::new("ballot", b"\x00\xffxyz").unwrap();
    assert_eq!(e.as_bytes(), b"\x06ballot\x00\xffxyz");
    assert_eq!((e.kind(), e.payload()), ("ballot", &b"\x00\xffxyz"[..]));
    let back = Entry::from_bytes(e.as_bytes().to_vec()).unwrap();
    assert_eq!(back, e);
    assert_eq!(
        Entry::new("round.open", b"").unwrap().as_bytes(),
        b"\x0around.open"
    );
    assert_eq!(
        e.leaf_hash(),
        psephos_board::leaf_hash(b"\x06ballot\x00\xffxyz")
    );
}

#[test]
fn malformed_entries_are_refused() {
    assert_eq!(Entry::from_bytes(vec![]), Err(EntryError::Empty));
    assert_eq!(
        Entry::from_bytes(vec![0, b'a']),
        Err(EntryError::KindLength(0))
    );
    assert_eq!(
        Entry::from_bytes(vec![33; 50]),
        Err(EntryError::KindLength(33))
    );
    assert_eq!(
        Entry::from_bytes(b"\x05abc".to_vec()),
        Err(EntryError::Truncated)
    );
    for bad in ["", "Ballot", "9lives", "a b", "é", "-x", &"a".repeat(33)] {
        assert!(Entry::new(bad, b"").is_err(), "{bad:?}");
    }
    assert!(Entry::new(&"a".repeat(32), b"").is_ok());
    let e = Entry::new("k", &[1; 100]).unwrap();
    assert_eq!(
        e.check_size(101),
        Err(EntryError::TooLarge {
            size: 102,
            limit: 101
        })
    );
    assert_eq!(
        e.check_size(101).unwrap_err().code(),
        "board.entry_too_large"
    );
    assert!(Entry::from_bytes_limited(e.clone().into_bytes(), 102).is_ok());
}

#[test]
fn checkpoint_message_layout() {
    let m = checkpoint().signed_message();
    assert_eq!(m.len(), CHECKPOINT_MESSAGE_LEN);
    assert_eq!(m.len(), 108);
    assert_eq!(&m[..28], b"psephos-board-checkpoint-v1\0");
    assert_eq!(&m[..28], CHECKPOINT_LABEL);
    assert_eq!(&m[28..60], &[0xe1; 32]);
    assert_eq!(&m[60..68], &[1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(&m[68..100], &[0xab; 32]);
    assert_eq!(&m[100..108], &1_700_000_000u64.to_be_bytes());
}

#[test]
fn checkpoint_sign_verify_and_tamper() {
    let pk = BoardPublicKey::from_signing_key(&key());
    let sc = checkpoint().sign(&key());
    sc.verify(&pk).unwrap();
    assert_eq!(sc.checkpoint(), checkpoint());
    let mut t = sc;
    t.size += 1;
    assert!(t.verify(&pk).is_err());
    let mut t = sc;
    t.time -= 1;
    assert!(t.verify(&pk).is_err());
    let mut t = sc;
    t.root.0[31] ^= 1;
    assert!(t.verify(&pk).is_err());
    let mut t = sc;
    t.election.0[0] ^= 1;
    assert!(t.verify(&pk).is_err());
    let mut t = sc;
    t.signature[5] ^= 1;
    assert_eq!(t.verify(&pk).unwrap_err().code(), "board.bad_signature");
    let other = BoardPublicKey::from_signing_key(&SigningKey::from_bytes(&[1; 32]));
    assert!(sc.verify(&other).is_err());
    // Not a curve point: refused as a key, without panicking.
    let mut bad = [0u8; 32];
    bad[0] = 2;
    bad[31] = 0x80;
    let r = sc.verify(&BoardPublicKey(bad));
    assert!(r.is_err());
}

#[test]
fn serde_is_strict_lowercase_hex() {
    let sc = checkpoint().sign(&key());
    let j = serde_json::to_value(sc).unwrap();
    assert_eq!(j["election"], "e1".repeat(32));
    assert_eq!(j["root"], "ab".repeat(32));
    assert_eq!(j["signature"].as_str().unwrap().len(), 128);
    let back: SignedCheckpoint = serde_json::from_value(j.clone()).unwrap();
    assert_eq!(back, sc);
    let mut extra = j.clone();
    extra["note"] = "x".into();
    assert!(serde_json::from_value::<SignedCheckpoint>(extra).is_err());
    let mut upper = j.clone();
    upper["root"] = "AB".repeat(32).into();
    assert!(serde_json::from_value::<SignedCheckpoint>(upper).is_err());
    let mut short = j;
    short["root"] = "ab".repeat(31).into();
    assert!(serde_json::from_value::<SignedCheckpoint>(short).is_err());
    let le = LogEntry {
        index: 3,
        entry: Entry::new("ballot", b"hi").unwrap(),
    };
    let s = serde_json::to_string(&le).unwrap();
    assert_eq!(s, r#"{"index":3,"entry":"0662616c6c6f746869"}"#);
    assert_eq!(serde_json::from_str::<LogEntry>(&s).unwrap(), le);
    assert!(serde_json::from_str::<LogEntry>(r#"{"index":3,"entry":"00"}"#).is_err());
    assert!(serde_json::from_str::<LogEntry>(r#"{"index":3,"entry":"0"}"#).is_err());
    let pk = BoardPublicKey::from_signing_key(&key());
    let pks = serde_json::to_string(&pk).unwrap();
    assert_eq!(serde_json::from_str::<BoardPublicKey>(&pks).unwrap(), pk);
    assert_eq!("ab".repeat(32).parse::<Hash>().unwrap(), Hash([0xab; 32]));
}

#[test]
fn receipt_verifies_and_detects_tampering() {
    let entries: Vec<Entry> = (0..11u8)
        .map(|i| Entry::new("ballot", &[i; 9]).unwrap())
        .collect();
    let tree = MerkleTree::from_leaves(entries.iter().map(Entry::leaf_hash));
    let election = ElectionId([5; 32]);
    let cp = Checkpoint {
        election,
        size: 11,
        root: tree.root(),
        time: 7,
    }
    .sign(&key());
    let pk = BoardPublicKey::from_signing_key(&key());
    let r = Receipt {
        index: 6,
        leaf_hash: entries[6].leaf_hash(),
        checkpoint: cp,
        inclusion: tree.inclusion_proof(6, 11).unwrap(),
    };
    r.verify_entry(&pk, entries[6].as_bytes()).unwrap();
    assert!(r.verify_entry(&pk, entries[5].as_bytes()).is_err());
    let mut t = r.clone();
    t.index = 5;
    assert!(t.verify(&pk).is_err());
    let mut t = r.clone();
    t.inclusion.path[0].0[0] ^= 1;
    assert!(t.verify(&pk).is_err());
    let mut t = r.clone();
    t.checkpoint.size = 12;
    assert!(t.verify(&pk).is_err());
    let s = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<Receipt>(&s).unwrap(), r);
}
