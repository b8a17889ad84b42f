//! Checks of the board in the browser (board.md §4–§6, protocol.md §10.3):
//! a receipt right after casting, and later a tracking code against the
//! latest signed checkpoint, with the pure core of `psephos-board`.

use psephos_board::{
    BoardPublicKey, ConsistencyProof, ElectionId, Entry, InclusionProof, LogEntry, Receipt,
    SignedCheckpoint,
};
use psephos_crypto::ballot::tracking_code;
use psephos_crypto::record::Manifest;
use serde::Serialize;

use crate::error::BoothError;

/// What a board check established.
#[derive(Debug, Serialize)]
pub struct BoardCheck {
    /// Index of the ballot's entry.
    pub index: u64,
    /// Size of the checkpoint the inclusion was proven against.
    pub size: u64,
    /// That checkpoint's root, hex.
    pub root: String,
    /// That checkpoint's time (seconds since the epoch).
    pub time: u64,
    /// A receipt was given and checks out against the same entry.
    pub receipt_checked: bool,
    /// A consistency proof from the receipt's checkpoint to this one verified.
    pub consistent: bool,
}

fn json<T: serde::de::DeserializeOwned>(what: &'static str, s: &str) -> Result<T, BoothError> {
    serde_json::from_str(s).map_err(|e| BoothError::new("board.malformed", format!("{what}: {e}")))
}

fn fail(code: &'static str, e: impl std::fmt::Display) -> BoothError {
    BoothError::new(code, e.to_string())
}

/// The board key and election id a manifest names.
fn keys(manifest: &Manifest, manifest_bytes: &[u8]) -> (BoardPublicKey, ElectionId) {
    (
        BoardPublicKey(manifest.board_key),
        ElectionId(Manifest::election_id_of(manifest_bytes)),
    )
}

fn checkpoint_ok(
    c: &SignedCheckpoint,
    key: &BoardPublicKey,
    election: &ElectionId,
) -> Result<(), BoothError> {
    c.verify(key).map_err(|e| fail("board.signature", e))?;
    if &c.election != election {
        return Err(BoothError::new(
            "board.wrong_election",
            "checkpoint of another election",
        ));
    }
    Ok(())
}

/// Checks the receipt the server answered a cast with: signed by the
/// manifest's board key, for this election, and proving the inclusion of
/// exactly the `ballot` entry holding `ballot_bytes`.
pub fn check_receipt(
    manifest: &Manifest,
    manifest_bytes: &[u8],
    receipt_json: &str,
    kind: &str,
    payload: &[u8],
) -> Result<BoardCheck, BoothError> {
    let (key, election) = keys(manifest, manifest_bytes);
    let receipt: Receipt = json("receipt", receipt_json)?;
    let entry = Entry::new(kind, payload).map_err(|e| fail("board.malformed", e))?;
    checkpoint_ok(&receipt.checkpoint, &key, &election)?;
    receipt
        .verify_entry(&key, entry.as_bytes())
        .map_err(|e| fail("board.receipt", e))?;
    Ok(BoardCheck {
        index: receipt.index,
        size: receipt.checkpoint.size,
        root: receipt.checkpoint.root.to_string(),
        time: receipt.checkpoint.time,
        receipt_checked: true,
        consistent: false,
    })
}

/// The inputs of a later check of a tracking code, as fetched from the
/// public board routes (server-api.md §11).
pub struct Lookup<'a> {
    /// The tracking code the voter noted, hex.
    pub tracking_code: &'a str,
    /// `board/entries?from=index&limit=1`, the first entry of the page.
    pub entry_json: &'a str,
    /// `board/checkpoint`: the latest signed checkpoint.
    pub checkpoint_json: &'a str,
    /// `board/inclusion?index&size` for that checkpoint.
    pub inclusion_json: &'a str,
    /// The voter's receipt file, if they have it.
    pub receipt_json: Option<&'a str>,
    /// `board/consistency?old&new` from the receipt's size to the latest.
    pub consistency_json: Option<&'a str>,
}

/// Checks that the ballot with this tracking code is on the board: the
/// entry is a `ballot` whose bytes hash to the tracking code, and its leaf
/// is included in the latest checkpoint, signed by the manifest's board
/// key; with a receipt, that it names the same entry and that the latest
/// board extends the receipt's (consistency proof).
pub fn check_lookup(
    manifest: &Manifest,
    manifest_bytes: &[u8],
    l: &Lookup<'_>,
) -> Result<BoardCheck, BoothError> {
    let (key, election) = keys(manifest, manifest_bytes);
    let entry: LogEntry = json("entry", l.entry_json)?;
    if entry.entry.kind() != "ballot" {
        return Err(BoothError::new("board.not_a_ballot", entry.entry.kind()));
    }
    if hex::encode(tracking_code(entry.entry.payload())) != l.tracking_code.to_ascii_lowercase() {
        return Err(BoothError::new(
            "board.tracking_mismatch",
            "the entry does not hold this ballot",
        ));
    }
    let checkpoint: SignedCheckpoint = json("checkpoint", l.checkpoint_json)?;
    checkpoint_ok(&checkpoint, &key, &election)?;
    let proof: InclusionProof = json("inclusion", l.inclusion_json)?;
    if proof.index != entry.index || proof.size != checkpoint.size {
        return Err(BoothError::new(
            "board.inconsistent",
            "proof for another leaf or size",
        ));
    }
    proof
        .verify(&entry.leaf_hash(), &checkpoint.root)
        .map_err(|e| fail("board.inclusion", e))?;
    let mut out = BoardCheck {
        index: entry.index,
        size: checkpoint.size,
        root: checkpoint.root.to_string(),
        time: checkpoint.time,
        receipt_checked: false,
        consistent: false,
    };
    if let Some(r) = l.receipt_json {
        let receipt: Receipt = json("receipt", r)?;
        checkpoint_ok(&receipt.checkpoint, &key, &election)?;
        if receipt.index != entry.index {
            return Err(BoothError::new(
                "board.receipt",
                "the receipt names another index",
            ));
        }
        receipt
            .verify_entry(&key, entry.entry.as_bytes())
            .map_err(|e| fail("board.receipt", e))?;
        out.receipt_checked = true;
        if let Some(c) = l.consistency_json {
            let proof: ConsistencyProof = json("consistency", c)?;
            if proof.old_size != receipt.checkpoint.size || proof.new_size != checkpoint.size {
                return Err(BoothError::new(
                    "board.inconsistent",
                    "consistency proof for other sizes",
                ));
            }
            proof
                .verify(&receipt.checkpoint.root, &checkpoint.root)
                .map_err(|e| fail("board.consistency", e))?;
            out.consistent = true;
        }
    }
    Ok(out)
}
