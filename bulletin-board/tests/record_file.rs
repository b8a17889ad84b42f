//! The single-file record format without any store: write, read, verify,
//! and refuse every kind of damage.
#![cfg(feature = "record")]

use psephos_board::record::{verify_record, RecordItem, RecordReader, RecordWriter};
use psephos_board::{
    BoardPublicKey, Checkpoint, ElectionId, Entry, LogEntry, MerkleTree, SigningKey,
};

const MAX: usize = 1 << 20;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[3u8; 32])
}

fn pk() -> BoardPublicKey {
    BoardPublicKey::from_signing_key(&key())
}

/// A record of `n` entries with a checkpoint after every third entry and
/// after the last.
fn record(n: u64) -> (Vec<u8>, MerkleTree) {
    let e = ElectionId([8; 32]);
    let mut tree = MerkleTree::new();
    let mut w = RecordWriter::new(Vec::new(), e, n).unwrap();
    for i in 0..n {
        let le = LogEntry {
            index: i,
            entry: Entry::new("ballot", &i.to_be_bytes()).unwrap(),
        };
        w.write_entry(&le).unwrap();
        tree.push(le.leaf_hash());
        if (i + 1) % 3 == 0 || i + 1 == n {
            let cp = Checkpoint {
                election: e,
                size: i + 1,
                root: tree.root(),
                time: 99,
            }
            .sign(&key());
            w.write_checkpoint(&cp).unwrap();
        }
    }
    (w.finish().unwrap(), tree)
}

#[test]
fn round_trip() {
    let (file, tree) = record(25);
    let text = String::from_utf8(file.clone()).unwrap();
    // Header, 25 entries, checkpoints at 3, 6, …, 24 and 25.
    assert_eq!(text.lines().count(), 1 + 25 + 9);
    assert!(text.starts_with(
        r#"{"format":"psephos-board-record","version":1,"election":"0808080808080808080808080808080808080808080808080808080808080808","size":25}"#
    ));
    let mut r = RecordReader::new(&file[..], &pk(), MAX).unwrap();
    let (mut n, mut cps) = (0, Vec::new());
    while let Some(item) = r.next_item().unwrap() {
        match item {
            RecordItem::Entry(le) => {
                assert_eq!(le.index, n);
                n += 1;
            }
            RecordItem::Checkpoint(cp) => {
                assert_eq!(cp.root, tree.root_at(n).unwrap());
                cps.push(cp.size);
            }
        }
    }
    assert_eq!(cps, vec![3, 6, 9, 12, 15, 18, 21, 24, 25]);
    let s = r.finish().unwrap();
    assert_eq!((s.size, s.root, s.checkpoints), (25, tree.root(), 9));
    assert_eq!(s.checkpoint.unwrap().size, 25);
    let (empty, _) = record(0);
    assert_eq!(verify_record(&empty[..], &pk(), MAX).unwrap().size, 0);
}

#[test]
fn damage_is_refused() {
    let (file, _) = record(10);
    let text = String::from_utf8(file).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let join = |ls: &[String]| ls.join("\n") + "\n";
    let check = |bytes: String, why: &str| {
        assert!(
            verify_record(bytes.as_bytes(), &pk(), MAX).is_err(),
            "{why} accepted"
        );
    };
    // Lines: 0 header; 1-3 entries 0-2; 4 cp 3; 5-7 entries; 8 cp 6;
    // 9-11 entries; 12 cp 9; 13 entry 9; 14 cp 10.
    assert_eq!(lines.len(), 15);
    assert!(lines[4].starts_with("{\"checkpoint\""));
    check(join(&lines[..14]), "missing final checkpoint");
    check(join(&lines[..6]), "truncated");
    check(text.clone() + "{}\n", "trailing data");
    check(
        text.clone() + &lines[14] + "\n",
        "repeated final checkpoint",
    );
    check(text.trim_end().to_owned(), "no final newline");
    let mut l = lines.clone();
    l.swap(2, 3);
    check(join(&l), "reordered entries");
    let mut l = lines.clone();
    l.swap(4, 5);
    check(join(&l), "checkpoint out of place");
    let mut l = lines.clone();
    l.remove(6);
    check(join(&l), "dropped entry");
    let mut l = lines.clone();
    l.remove(8);
    assert!(
        verify_record(join(&l).as_bytes(), &pk(), MAX).is_ok(),
        "a checkpoint may be absent"
    );
    let mut l = lines.clone();
    l.insert(9, lines[8].clone());
    check(join(&l), "duplicated checkpoint");
    let mut l = lines.clone();
    l[3] = l[3].replace("\"entry\":\"06", "\"entry\":\"07");
    check(join(&l), "altered entry");
    let mut l = lines.clone();
    l[3] = l[3].replace('}', ",\"x\":1}");
    check(join(&l), "unknown field");
    let mut l = lines.clone();
    l[0] = l[0].replace("\"version\":1", "\"version\":2");
    check(join(&l), "version");
    let mut l = lines.clone();
    l[0] = l[0].replace("\"size\":10", "\"size\":9");
    check(join(&l), "size");
    let mut l = lines.clone();
    l[8] = l[8].replace("\"time\":99", "\"time\":98");
    check(join(&l), "intermediate checkpoint signature");
    let mut l = lines.clone();
    l[14] = l[14].replace("\"time\":99", "\"time\":98");
    check(join(&l), "final checkpoint signature");
    check(String::new(), "empty file");
    check("{\"format\":".into(), "bad json");
    // An entry over the reader's limit.
    assert!(verify_record(text.as_bytes(), &pk(), 10).is_err());
    let other = BoardPublicKey::from_signing_key(&SigningKey::from_bytes(&[4; 32]));
    assert_eq!(
        verify_record(text.as_bytes(), &other, MAX)
            .unwrap_err()
            .code(),
        "board.bad_signature"
    );
}

#[test]
fn writer_refuses_inconsistent_input() {
    let e = ElectionId([8; 32]);
    let mut w = RecordWriter::new(Vec::new(), e, 2).unwrap();
    let le = |i| LogEntry {
        index: i,
        entry: Entry::new("k", b"x").unwrap(),
    };
    assert!(w.write_entry(&le(1)).is_err());
    w.write_entry(&le(0)).unwrap();
    let cp = |size, root| {
        Checkpoint {
            election: e,
            size,
            root,
            time: 0,
        }
        .sign(&key())
    };
    let one = MerkleTree::from_leaves([le(0).leaf_hash()]);
    assert!(
        w.write_checkpoint(&cp(2, one.root())).is_err(),
        "size ahead"
    );
    assert!(w
        .write_checkpoint(&cp(1, psephos_board::Hash([0; 32])))
        .is_err());
    w.write_checkpoint(&cp(1, one.root())).unwrap();
    assert!(
        w.write_checkpoint(&cp(1, one.root())).is_err(),
        "repeated size"
    );
    let w = {
        let mut w = w;
        w.write_entry(&le(1)).unwrap();
        w
    };
    assert!(w.finish().is_err(), "no checkpoint covers the last entry");
}
