//! After a fault: the whole board of a round, checked against the receipts
//! the clients received — every acknowledged ballot at its receipt's index
//! with its bytes, indices `0..size` each exactly once, the Merkle root
//! recomputed from every leaf equal to the signed latest checkpoint's, each
//! receipt's checkpoint a prefix of it, and no ballot stored twice.

use std::collections::HashSet;

use psephos_board::{BoardPublicKey, ConsistencyProof, InclusionProof, LogEntry, RootAccumulator};
use psephos_trustee::client::Client;
use psephos_trustee::wire::CastReceipt;

/// What the board holds after the check.
#[derive(Debug)]
pub struct BoardState {
    /// Entries on the board.
    pub size: u64,
    /// Ballot entries.
    pub ballots: usize,
    /// Payloads of the ballot entries.
    pub payloads: HashSet<Vec<u8>>,
}

/// Every entry of `round`, page by page.
pub async fn all_entries(client: &Client, round: &str) -> Vec<LogEntry> {
    let mut out: Vec<LogEntry> = Vec::new();
    loop {
        let page = client
            .entries(round, out.len() as u64, 500)
            .await
            .expect("board page");
        let n = page.entries.len();
        out.extend(page.entries);
        if n == 0 || out.len() as u64 >= page.size {
            return out;
        }
    }
}

/// Checks the board of `round` against `acked` (ballot bytes, receipt).
pub async fn check_board(
    client: &Client,
    round: &str,
    key: &BoardPublicKey,
    acked: &[(Vec<u8>, CastReceipt)],
) -> BoardState {
    let entries = all_entries(client, round).await;
    let latest = client.checkpoint(round).await.expect("checkpoint");
    latest.verify(key).expect("latest checkpoint signature");
    assert_eq!(
        latest.size,
        entries.len() as u64,
        "checkpoint size = entries"
    );
    let mut acc = RootAccumulator::new();
    let mut payloads = HashSet::new();
    let mut ballots = 0;
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.index, i as u64, "index {i} missing or duplicated");
        acc.push(e.leaf_hash());
        if e.entry.kind() == "ballot" {
            ballots += 1;
            assert!(
                payloads.insert(e.entry.payload().to_vec()),
                "ballot at {i} stored twice"
            );
        }
    }
    assert_eq!(acc.root(), latest.root, "Merkle root of every leaf");
    for (bytes, rc) in acked {
        rc.receipt.verify(key).expect("receipt signature");
        let e = &entries[rc.receipt.index as usize];
        assert_eq!(e.entry.kind(), "ballot");
        assert_eq!(
            e.entry.payload(),
            &bytes[..],
            "receipt index holds the ballot"
        );
        assert_eq!(e.leaf_hash(), rc.receipt.leaf_hash);
        let looked = client
            .lookup(round, &rc.tracking_code)
            .await
            .expect("lookup");
        assert_eq!(looked.receipt.index, rc.receipt.index);
        let proof: InclusionProof = serde_json::from_slice(
            &client
                .get_raw(&format!(
                    "/rounds/{round}/board/inclusion?index={}&size={}",
                    rc.receipt.index, latest.size
                ))
                .await
                .expect("inclusion"),
        )
        .expect("inclusion json");
        proof
            .verify(&rc.receipt.leaf_hash, &latest.root)
            .expect("inclusion proof");
        let c: ConsistencyProof = serde_json::from_slice(
            &client
                .get_raw(&format!(
                    "/rounds/{round}/board/consistency?old={}&new={}",
                    rc.receipt.checkpoint.size, latest.size
                ))
                .await
                .expect("consistency"),
        )
        .expect("consistency json");
        c.verify(&rc.receipt.checkpoint.root, &latest.root)
            .expect("the receipt's checkpoint is a prefix of the latest");
    }
    BoardState {
        size: latest.size,
        ballots,
        payloads,
    }
}
