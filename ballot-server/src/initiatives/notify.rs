//! Telling supporters that their support no longer counts
//! (specs/initiatives.md §5.3): support is for a version, so when the
//! author accepts an amendment every member whose standing support names
//! an older version is mailed that it no longer counts and where to
//! support the new one. The mails go out from a task of their own once the
//! version entry is durable, so no answer waits for SMTP; a failure is
//! logged without the address, and the version stands.

use psephos_crypto::record::support::SupportState;

use crate::app::App;

/// Members whose standing support names a version older than the current
/// one, with that version.
pub fn stale_supporters(state: &SupportState) -> Vec<(String, u64)> {
    let cur = state.current_version();
    state
        .standing
        .iter()
        .filter(|(_, v)| **v < cur)
        .map(|(m, v)| (m.clone(), *v))
        .collect()
}

impl App {
    /// Mails each of `stale` (member, version supported) that version
    /// `version` of proposal `id` was made and their support of the older
    /// one no longer counts. Returns at once; the mails are sent by a task.
    pub(crate) fn notify_new_version(&self, id: &str, version: u64, stale: Vec<(String, u64)>) {
        let Some(mailer) = self.mailer.clone() else {
            return;
        };
        if stale.is_empty() {
            return;
        }
        let store = self.initiatives.store.clone();
        let page = format!(
            "{}/initiatives/{id}",
            self.config.public_url.trim_end_matches('/')
        );
        let id = id.to_string();
        tokio::spawn(async move {
            let subject = format!("Proposal {id} has a new version {version}");
            for (member, old) in stale {
                let to = match store.member_email(&member).await {
                    Ok(Some(to)) => to,
                    _ => continue,
                };
                let body = format!(
                    "Hello,\n\nthe author of proposal {id} accepted an amendment: version \
                     {version} is now the current text.\n\nYou support version {old}. Support \
                     is for a version, so your support no longer counts towards the \
                     threshold.\nTo support version {version}, read it and support it on its \
                     page:\n\n{page}\n\nIf you do nothing, the support log keeps your support \
                     of version {old}, uncounted.\n"
                );
                if let Err(e) = mailer.send(&to, &subject, body).await {
                    tracing::warn!(code = %e.code, proposal = %id, "new-version notice not mailed");
                }
            }
        });
    }
}
