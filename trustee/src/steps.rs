//! The trustee's steps against the server (threshold.md §5, §9, §10), as
//! library functions: the CLI calls them one per subcommand, the demo and
//! the tests call them directly. Every step loads the vault, talks to the
//! server, and saves the vault before reporting success; a step repeated
//! after a failure re-sends exactly the message it sent before.

use std::path::PathBuf;

use psephos_crypto::threshold::TrusteeSession;
use psephos_crypto::CryptoError;
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::client::{Client, ClientError};
use crate::vault::{self, KdfParams, VaultContent, VaultError};
use crate::wire::{CeremonyPhase, CeremonyView, ComplaintList, Dealing, ShareAccepted};

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The server refused or could not be reached.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The vault could not be read or written.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// A cryptographic check failed (names the trustee at fault).
    #[error("{}: {0}", .0.code())]
    Crypto(#[from] CryptoError),
    /// The step does not fit the ceremony's state.
    #[error("{0}")]
    State(String),
}

/// One trustee: a server client with its token, and its vault.
pub struct Trustee {
    /// Client carrying the trustee's token.
    pub client: Client,
    /// Path of the vault file.
    pub vault: PathBuf,
    /// Passphrase of the vault.
    pub passphrase: Zeroizing<Vec<u8>>,
    /// KDF cost for new vault files.
    pub kdf: KdfParams,
}

fn state(msg: &str) -> StepError {
    StepError::State(msg.to_string())
}

impl Trustee {
    fn load(&self) -> Result<VaultContent, StepError> {
        if !self.vault.exists() {
            return Ok(VaultContent::default());
        }
        Ok(vault::load(&self.vault, &self.passphrase)?.0)
    }

    fn save(&self, content: &VaultContent) -> Result<(), StepError> {
        Ok(vault::save(
            &self.vault,
            &self.passphrase,
            self.kdf,
            content,
        )?)
    }

    /// Phase 1: draws the session's secrets, stores them, announces the
    /// share-encryption key.
    pub async fn announce(&self) -> Result<CeremonyView, StepError> {
        let view = self.client.ceremony().await?;
        let you = view.you.ok_or_else(|| state("not a trustee token"))?;
        let mut content = self.load()?;
        let fresh = content
            .session
            .as_ref()
            .is_none_or(|s| s.parameters() != &view.parameters);
        if fresh {
            let (session, announcement) = TrusteeSession::new(&view.parameters, you, &mut OsRng)?;
            content = VaultContent {
                server: Some(self.client.base().to_string()),
                session: Some(session),
                ..VaultContent::default()
            };
            content.sent.announcement = Some(announcement);
            self.save(&content)?;
        }
        let a = content
            .sent
            .announcement
            .as_ref()
            .ok_or_else(|| state("vault holds a session without its announcement"))?;
        Ok(self.client.announce(a).await?)
    }

    /// Phase 2: commitments and encrypted shares to every other trustee.
    pub async fn deal(&self) -> Result<CeremonyView, StepError> {
        let view = self.client.ceremony().await?;
        let mut content = self.load()?;
        let session = content
            .session
            .as_ref()
            .ok_or_else(|| state("no ceremony session in the vault: announce first"))?;
        if content.sent.dealing.is_none() {
            if view.phase == CeremonyPhase::Announcements {
                return Err(state("not every trustee has announced yet"));
            }
            let shares = session.encrypt_shares(&view.announcements, &mut OsRng)?;
            content.sent.dealing = Some(Dealing {
                commitments: session.commitments(&mut OsRng),
                shares,
            });
            self.save(&content)?;
        }
        let d = content.sent.dealing.as_ref().expect("set above");
        Ok(self.client.deal(d).await?)
    }

    /// Phase 3: checks every share received against its dealer's
    /// commitments and posts the complaints (usually none). Returns how
    /// many complaints were posted.
    pub async fn check(&self) -> Result<usize, StepError> {
        let view = self.client.ceremony().await?;
        let mut content = self.load()?;
        if content.sent.complaints.is_none() {
            if matches!(
                view.phase,
                CeremonyPhase::Announcements | CeremonyPhase::Dealing
            ) {
                return Err(state("not every dealer has dealt yet"));
            }
            let session = content
                .session
                .as_mut()
                .ok_or_else(|| state("no ceremony session in the vault"))?;
            let mut complaints = Vec::new();
            let me = session.index();
            for share in view.shares.iter().filter(|s| s.recipient == me) {
                let Some(c) = view.commitments.iter().find(|c| c.dealer == share.dealer) else {
                    continue;
                };
                match session.receive(c, share, &mut OsRng) {
                    Ok(Some(complaint)) => complaints.push(complaint),
                    Ok(None) => {}
                    // Invalid commitments: the dealer is disqualified by
                    // everyone's derivation; nothing to complain about.
                    Err(CryptoError::FaultyTrustee { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            content.sent.complaints = Some(ComplaintList { complaints });
            self.save(&content)?;
        }
        let list = content.sent.complaints.as_ref().expect("set above");
        self.client.complain(list).await?;
        Ok(list.complaints.len())
    }

    /// After the ceremony: computes this trustee's share `xⱼ` from the
    /// outcome and keeps only it.
    pub async fn finish(&self) -> Result<u32, StepError> {
        let view = self.client.ceremony().await?;
        let outcome = view
            .outcome
            .ok_or_else(|| state("the ceremony outcome is not derived yet"))?;
        let mut content = self.load()?;
        if content.share.is_none() {
            let session = content
                .session
                .as_ref()
                .ok_or_else(|| state("no ceremony session in the vault"))?;
            content.share = Some(session.finish(&outcome)?);
            content.session = None;
            self.save(&content)?;
        }
        Ok(content.share.as_ref().expect("set above").index())
    }

    /// After the tally: decrypts it share-wise with proofs and posts the
    /// decryption share.
    pub async fn decrypt(&self) -> Result<ShareAccepted, StepError> {
        let view = self.client.tally().await?;
        let content = self.load()?;
        let share = content
            .share
            .as_ref()
            .ok_or_else(|| state("no trustee share in the vault: finish the ceremony first"))?;
        if share.index() != view.you {
            return Err(state("the vault belongs to another trustee"));
        }
        let d = share.decrypt(
            &view.tally.election_id,
            &view.tally.ciphertexts(),
            &mut OsRng,
        );
        Ok(self.client.post_decryption(&d).await?)
    }
}
