//! The roll and the credential list (specs/server-api.md §5, §6).
//!
//! `server` mode: [`App::generate_credentials`] makes one code per member,
//! returns the private CSV once (and mails each member when SMTP is
//! configured), and keeps only the public list. `external` mode: an
//! independent authority uploads the public list
//! ([`App::upload_credentials`]); no private credential reaches the server.
//! Either list waits in the store until `open` posts it.

use psephos_crypto::record::CredentialList;
use psephos_trustee::credentials::{issue, private_csv};
use psephos_trustee::roll::{parse_roll, total_weight};
use psephos_trustee::wire::{CredentialMode, CredentialsIssued, RollSummary, RoundState};
use rand_core::OsRng;

use crate::app::App;
use crate::error::{Result, ServerError};
use crate::state::require;

/// Blob name of the public list before it is posted.
pub const CREDENTIALS_BLOB: &str = "credentials";

fn credentials_exist() -> ServerError {
    ServerError::conflict(
        "credentials.exist",
        "credentials were already made for this round",
    )
}

impl App {
    /// Replaces the roll; every bad line is reported and nothing imported.
    pub async fn import_roll(&self, id: &str, csv: &str) -> Result<RollSummary> {
        let doc = self.load(id).await?.doc;
        require(
            doc.state,
            &[
                RoundState::Draft,
                RoundState::KeyCeremony,
                RoundState::Frozen,
            ],
            "import the roll",
        )?;
        if doc.credentials.is_some() {
            return Err(credentials_exist());
        }
        let members = parse_roll(csv).map_err(|e| {
            let mut err = ServerError::invalid(e.code(), e.to_string());
            err.lines = e.lines();
            err
        })?;
        let summary = RollSummary {
            members: members.len() as u64,
            total_weight: total_weight(&members),
        };
        let lock = self.store.lock_exclusive(id).await?;
        let result = async {
            self.mutate(id, |doc| {
                if doc.credentials.is_some() {
                    return Err(credentials_exist());
                }
                doc.roll = None;
                Ok(())
            })
            .await?;
            self.store.replace_roll(id, &members).await?;
            self.mutate(id, |doc| {
                doc.roll = Some(summary);
                Ok(())
            })
            .await
        }
        .await;
        lock.release().await;
        result?;
        Ok(summary)
    }

    /// Server mode: issues every member's credential (once).
    pub async fn generate_credentials(&self, id: &str) -> Result<CredentialsIssued> {
        let lock = self.store.lock_exclusive(id).await?;
        let result = self.generate_locked(id).await;
        lock.release().await;
        let (issued, csv, title) = result?;
        let mailed = match &self.mailer {
            Some(m) => m
                .send_all(&issued, &self.config.public_url, id, &title)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(code = %e.code, "credential mail failed");
                    0
                }),
            None => 0,
        };
        Ok(CredentialsIssued {
            csv,
            issued: issued.len() as u64,
            mailed,
        })
    }

    async fn generate_locked(
        &self,
        id: &str,
    ) -> Result<(
        Vec<psephos_trustee::credentials::IssuedCredential>,
        String,
        String,
    )> {
        let doc = self.load(id).await?.doc;
        require(doc.state, &[RoundState::Frozen], "make credentials")?;
        if doc.draft.credential_mode != CredentialMode::Server {
            return Err(ServerError::conflict(
                "credentials.external_mode",
                "this round's credentials come from an external authority",
            ));
        }
        if doc.credentials.is_some() {
            return Err(credentials_exist());
        }
        if doc.roll.is_none() {
            return Err(ServerError::conflict(
                "roll.missing",
                "import the roll first",
            ));
        }
        let election = self.election_of(&doc)?;
        let members = self.store.roll(id).await?;
        let (issued, list) = issue(&election.0, &members, &mut OsRng);
        self.store_credentials(id, &list).await?;
        let csv = private_csv(&issued, &self.config.public_url, id);
        let title = doc.draft.title.values().next().cloned().unwrap_or_default();
        Ok((issued, csv, title))
    }

    /// External mode: takes the public list (sorted here by encoding);
    /// with a roll, its size and weights must match the roll's.
    pub async fn upload_credentials(&self, id: &str, list: CredentialList) -> Result<()> {
        let lock = self.store.lock_exclusive(id).await?;
        let result = self.upload_locked(id, list).await;
        lock.release().await;
        result
    }

    async fn upload_locked(&self, id: &str, list: CredentialList) -> Result<()> {
        let doc = self.load(id).await?.doc;
        require(doc.state, &[RoundState::Frozen], "take credentials")?;
        if doc.draft.credential_mode != CredentialMode::External {
            return Err(ServerError::conflict(
                "credentials.server_mode",
                "this round's credentials are made by the server",
            ));
        }
        if doc.credentials.is_some() {
            return Err(credentials_exist());
        }
        let election = self.election_of(&doc)?;
        list.validate(&election.0)?;
        let list = CredentialList::new(election.0, list.credentials.clone());
        if list.credentials.is_empty() {
            return Err(ServerError::invalid(
                "credentials.empty",
                "the list is empty",
            ));
        }
        if doc.roll.is_some() {
            let mut roll: Vec<u64> = self
                .store
                .roll(id)
                .await?
                .iter()
                .map(|m| m.weight)
                .collect();
            let mut got: Vec<u64> = list.credentials.iter().map(|e| e.weight).collect();
            roll.sort_unstable();
            got.sort_unstable();
            if roll != got {
                return Err(ServerError::invalid(
                    "credentials.mismatch",
                    "the list's size or weights differ from the roll's",
                ));
            }
        }
        self.store_credentials(id, &list).await
    }

    /// Stores the public list and records its size on the round, unless
    /// another request stored one first.
    async fn store_credentials(&self, id: &str, list: &CredentialList) -> Result<()> {
        let bytes = serde_json::to_vec(list).map_err(|e| ServerError::internal(e.to_string()))?;
        self.store.put_blob(id, CREDENTIALS_BLOB, &bytes).await?;
        let n = list.credentials.len() as u64;
        self.mutate(id, |doc| {
            if doc.credentials.is_some() {
                return Err(credentials_exist());
            }
            doc.credentials = Some(n);
            Ok(())
        })
        .await?;
        Ok(())
    }
}
