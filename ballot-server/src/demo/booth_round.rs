//! `PSEPHOS_DEMO_OPEN_ROUND=N psephos-server demo`: after the demo round,
//! a second round with the same questions is set up the same way
//! (ceremony, freeze, N members with server-made credentials) and left
//! open, so a person can vote in the web booth; its personal booth links
//! (credential in the URL fragment) are printed.

use psephos_crypto::record::manifest::Question;
use psephos_trustee::wire::RoundDraft;

use super::drive::{members, DriveResult, Driver};
use psephos_trustee::client::Client;

/// Sets up the open round `round` and returns each member's booth link on `base`.
pub async fn open_round(
    officer: &Client,
    draft: RoundDraft,
    voters: usize,
    vault_dir: &std::path::Path,
    base: &str,
) -> DriveResult<Vec<String>> {
    let round = draft.election.clone();
    let driver = Driver::create(officer, draft, 3, 2, vault_dir).await?;
    driver.ceremony().await?;
    driver.freeze().await?;
    let roll = members(voters.max(1), |_| 1);
    let issued = driver.server_credentials(&roll).await?;
    driver.step("open").await?;
    Ok(issued
        .iter()
        .map(|v| format!("{base}/booth/{round}#c={}", v.code.grouped().as_str()))
        .collect())
}

/// The draft of the open round: the demo's questions under a new id.
pub fn draft_like(first: &RoundDraft, questions: Vec<Question>) -> RoundDraft {
    RoundDraft {
        election: format!("{}-booth", first.election),
        questions,
        ..first.clone()
    }
}
