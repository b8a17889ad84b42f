//! Voters casting over HTTP in parallel: each voter's ballots are
//! encrypted, proven and signed on the blocking pool (as a booth would on
//! the voter's device), posted in order, and every receipt is checked
//! against the board key and the entry bytes.

use std::sync::Arc;

use indicatif::ProgressBar;
use psephos_board::{BoardPublicKey, Entry, Receipt};
use psephos_crypto::ballot::{Ballot, BallotStatement, PlainAnswer};
use psephos_crypto::credential::CredentialKey;
use psephos_crypto::record::AuditedBallot;
use psephos_trustee::client::Client;
use psephos_trustee::wire::CastReceipt;
use rand_core::OsRng;
use tokio::sync::Semaphore;

use super::drive::{DriveError, DriveResult};
use super::secrets::Secrets;

/// What one voter does.
pub struct VoterPlan {
    /// Their key for this election.
    pub key: CredentialKey,
    /// Ballots to cast in order (the last counts).
    pub ballots: Vec<Vec<PlainAnswer>>,
    /// Audit (spoil) one extra ballot of these plaintexts first.
    pub audit: Option<Vec<PlainAnswer>>,
    /// Where the randomness of the cast ballots is kept, if anywhere.
    pub secrets: Secrets,
}

/// Checks a receipt against the board key and the entry it is for.
pub fn check_receipt(
    key: &BoardPublicKey,
    kind: &str,
    payload: &[u8],
    r: &Receipt,
) -> DriveResult<()> {
    let entry = Entry::new(kind, payload).map_err(|e| DriveError::Check(e.to_string()))?;
    r.verify_entry(key, entry.as_bytes())
        .map_err(|e| DriveError::Check(format!("receipt: {e}")))
}

/// Proves one ballot on the blocking pool.
pub async fn prove(
    stmt: Arc<BallotStatement>,
    key: CredentialKey,
    plain: Vec<PlainAnswer>,
) -> DriveResult<(Ballot, Vec<psephos_crypto::ballot::Opening>)> {
    tokio::task::spawn_blocking(move || Ballot::cast(&stmt, &key, &plain, &mut OsRng))
        .await
        .map_err(|e| DriveError::Check(format!("prover task: {e}")))?
        .map_err(|e| DriveError::Server(e.into()))
}

async fn run_voter(
    client: Client,
    round: String,
    stmt: Arc<BallotStatement>,
    board_key: BoardPublicKey,
    plan: VoterPlan,
) -> DriveResult<Vec<CastReceipt>> {
    let secrets = plan.secrets.clone();
    let mut out = Vec::new();
    if let Some(plain) = plan.audit {
        let (ballot, openings) = prove(stmt.clone(), plan.key.clone(), plain).await?;
        let audited = AuditedBallot::new(ballot, openings);
        let bytes = serde_json::to_vec(&audited).map_err(|e| DriveError::Check(e.to_string()))?;
        let r = client.audit(&round, bytes.clone()).await?;
        check_receipt(&board_key, "audited", &bytes, &r.receipt)?;
    }
    for plain in plan.ballots {
        let (ballot, openings) = prove(stmt.clone(), plan.key.clone(), plain).await?;
        if secrets.keeps() {
            // A cast ballot's randomness is secret (an audited one's is
            // published on purpose).
            secrets.add_hex_in(&serde_json::to_value(&openings).unwrap_or_default());
        }
        let bytes = ballot.to_bytes();
        let r = client.cast(&round, bytes.clone()).await?;
        check_receipt(&board_key, "ballot", &bytes, &r.receipt)?;
        out.push(r);
    }
    Ok(out)
}

/// Runs every voter's plan, `concurrency` voters at a time; returns all
/// cast receipts.
pub async fn cast_all(
    client: &Client,
    round: &str,
    stmt: Arc<BallotStatement>,
    board_key: BoardPublicKey,
    plans: Vec<VoterPlan>,
    concurrency: usize,
    progress: &ProgressBar,
) -> DriveResult<Vec<CastReceipt>> {
    let sem = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for plan in plans {
        let permit = sem
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| DriveError::Check(e.to_string()))?;
        let (c, r, s, pb) = (
            client.clone(),
            round.to_string(),
            stmt.clone(),
            progress.clone(),
        );
        tasks.spawn(async move {
            let res = run_voter(c, r, s, board_key, plan).await;
            pb.inc(1);
            drop(permit);
            res
        });
    }
    let mut receipts = Vec::new();
    while let Some(res) = tasks.join_next().await {
        receipts.extend(res.map_err(|e| DriveError::Check(format!("voter task: {e}")))??);
    }
    Ok(receipts)
}
