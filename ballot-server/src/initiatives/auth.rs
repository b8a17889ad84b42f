//! Member login (specs/initiatives.md §2.2–§2.3): sign-in links and
//! one-time codes mailed to the roll's address (single use, 15 minutes,
//! hashed at rest, attempts capped, mails rate-limited), sessions in
//! `Secure; HttpOnly; SameSite=Strict` cookies, stored as hashes, and the
//! CSRF token derived from the session. Secrets live in [`Zeroizing`]
//! buffers and are never logged.

use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::store::{CodeOutcome, LoginRow};
use crate::app::App;
use crate::error::{ErrorClass, Result, ServerError};

/// A login lives 15 minutes.
pub const LOGIN_TTL: u64 = 900;
/// A session lives 12 hours.
pub const SESSION_TTL: u64 = 43_200;
/// Login mails per address per [`LOGIN_TTL`].
pub const MAX_MAILS: u64 = 3;
/// The session cookie's name.
pub const COOKIE: &str = "psephos_session";
/// The CSRF header's name.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The code alphabet (no 0, 1, I, O).
const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn labelled(label: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label);
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Hash of a sign-in link token at rest.
pub fn token_hash(token: &str) -> [u8; 32] {
    labelled(b"psephos-login-link-v1\0", &[token.as_bytes()])
}

/// Hash of a one-time code at rest (code normalised: no dash, uppercase).
pub fn code_hash(email_lc: &str, code: &str) -> [u8; 32] {
    let norm: String = code
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    labelled(
        b"psephos-login-code-v1\0",
        &[email_lc.as_bytes(), b"\0", norm.as_bytes()],
    )
}

/// Hash of a session id at rest.
pub fn session_hash(sid: &str) -> [u8; 32] {
    labelled(b"psephos-session-v1\0", &[sid.as_bytes()])
}

/// The CSRF token of a session: `hex(SHA-256("psephos-csrf-v1" 0x00 || id))`.
pub fn csrf_token(sid: &str) -> String {
    hex::encode(labelled(b"psephos-csrf-v1\0", &[sid.as_bytes()]))
}

/// Constant-time comparison of a presented CSRF token.
pub fn csrf_ok(sid: &str, presented: &str) -> bool {
    let want = csrf_token(sid);
    want.len() == presented.len() && bool::from(want.as_bytes().ct_eq(presented.as_bytes()))
}

fn secret(prefix: &str) -> Zeroizing<String> {
    let mut raw = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(&mut raw[..]);
    Zeroizing::new(format!("{prefix}{}", hex::encode(&raw[..])))
}

fn one_time_code() -> Zeroizing<String> {
    let mut raw = Zeroizing::new([0u8; 8]);
    OsRng.fill_bytes(&mut raw[..]);
    let mut s = Zeroizing::new(String::with_capacity(9));
    for (i, b) in raw.iter().enumerate() {
        if i == 4 {
            s.push('-');
        }
        s.push(CODE_ALPHABET[(*b & 31) as usize] as char);
    }
    s
}

/// `POST /members/login`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The address on the roll.
    pub email: String,
}

/// `POST /members/session`: a link token, or an address and a code.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// `psl_…` from the link.
    #[serde(default)]
    pub token: Option<String>,
    /// The address, with `code`.
    #[serde(default)]
    pub email: Option<String>,
    /// The one-time code.
    #[serde(default)]
    pub code: Option<String>,
}

impl Drop for SessionRequest {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.token.zeroize();
        self.code.zeroize();
    }
}

/// A session as the page sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionView {
    /// Member id.
    pub member: String,
    /// The CSRF token to send as `X-CSRF-Token`.
    pub csrf: String,
    /// Expiry.
    pub expires_at: u64,
}

fn login_invalid() -> ServerError {
    ServerError::new(
        ErrorClass::Unauthorized,
        "login.invalid",
        "the sign-in link or code is unknown, used or expired",
    )
}

/// The refusal of a request without a live session.
pub fn member_required() -> ServerError {
    ServerError::new(
        ErrorClass::Unauthorized,
        "auth.member_required",
        "sign in as a member first",
    )
}

impl App {
    /// Mails a sign-in link and code to a roll address (§2.2). Answers the
    /// same whether or not the address is on the roll.
    pub async fn member_login(&self, email: &str) -> Result<()> {
        let email_lc = email.trim().to_lowercase();
        if email_lc.is_empty() || email_lc.len() > 320 {
            return Ok(());
        }
        let store = &self.initiatives.store;
        let Some(member) = store.member_by_email(&email_lc).await? else {
            return Ok(());
        };
        let now = crate::now();
        if store
            .logins_since(&email_lc, now.saturating_sub(LOGIN_TTL))
            .await?
            >= MAX_MAILS
        {
            return Ok(());
        }
        let Some(mailer) = &self.mailer else {
            tracing::warn!("member login asked but no SMTP is configured");
            return Ok(());
        };
        let token = secret("psl_");
        let code = one_time_code();
        store
            .insert_login(&LoginRow {
                token_hash: token_hash(&token),
                code_hash: code_hash(&email_lc, &code),
                email_lc,
                member_id: member,
                created_at: now,
                expires_at: now + LOGIN_TTL,
            })
            .await?;
        let body = Zeroizing::new(format!(
            "Hello,\n\nsomeone (hopefully you) asked to sign in to the movement's initiatives.\n\n\
             Sign in with this personal link (valid 15 minutes, once):\n\
             {}/initiatives/signin#t={}\n\n\
             or type this code: {}\n\n\
             If you did not ask, ignore this mail.\n",
            self.config.public_url.trim_end_matches('/'),
            token.as_str(),
            code.as_str()
        ));
        mailer
            .send(email.trim(), "Your sign-in link", body.to_string())
            .await
    }

    /// Exchanges a live login for a session (§2.2 step 3): the session id
    /// (for the cookie only) and its view.
    pub async fn member_session(
        &self,
        req: SessionRequest,
    ) -> Result<(Zeroizing<String>, SessionView)> {
        let store = &self.initiatives.store;
        let now = crate::now();
        let member = match (&req.token, &req.email, &req.code) {
            (Some(t), None, None) => store
                .use_login_token(token_hash(t), now)
                .await?
                .ok_or_else(login_invalid)?,
            (None, Some(e), Some(c)) => {
                let email_lc = e.trim().to_lowercase();
                match store
                    .use_login_code(&email_lc, code_hash(&email_lc, c), now)
                    .await?
                {
                    CodeOutcome::Member(m) => m,
                    CodeOutcome::Invalid => return Err(login_invalid()),
                    CodeOutcome::Locked => {
                        return Err(ServerError::new(
                            ErrorClass::TooMany,
                            "login.locked",
                            "too many wrong codes: ask for a new sign-in mail later",
                        ))
                    }
                }
            }
            _ => {
                return Err(ServerError::bad_request(
                    "request.invalid_json",
                    "give either token, or email and code",
                ))
            }
        };
        let sid = secret("psm_");
        let expires_at = now + SESSION_TTL;
        store
            .insert_session(session_hash(&sid), &member, expires_at)
            .await?;
        let view = SessionView {
            member,
            csrf: csrf_token(&sid),
            expires_at,
        };
        Ok((sid, view))
    }

    /// The member of a live session and the session's expiry.
    pub async fn member_of(&self, sid: &str) -> Result<(String, u64)> {
        if !sid.starts_with("psm_") || sid.len() != 68 {
            return Err(member_required());
        }
        self.initiatives
            .store
            .session(session_hash(sid), crate::now())
            .await?
            .ok_or_else(member_required)
    }

    /// Revokes a session.
    pub async fn member_logout(&self, sid: &str) -> Result<()> {
        self.initiatives
            .store
            .revoke_session(session_hash(sid))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_labelled_and_codes_normalised() {
        assert_ne!(token_hash("x"), session_hash("x"));
        assert_eq!(code_hash("a@b", "abcd-efgh"), code_hash("a@b", "ABCDEFGH"));
        assert_ne!(code_hash("a@b", "ABCDEFGH"), code_hash("c@d", "ABCDEFGH"));
        let c = one_time_code();
        assert_eq!(c.len(), 9);
        assert!(csrf_ok("psm_1", &csrf_token("psm_1")));
        assert!(!csrf_ok("psm_1", &csrf_token("psm_2")));
        assert!(!csrf_ok("psm_1", ""));
    }
}
