//! What initiatives keep outside the board (specs/initiatives.md §2–§3):
//! the member roll, login and session hashes, and versioned JSON objects
//! (settings, proposals, versions, amendments, comments) updated by
//! compare-and-swap. Both server stores implement [`InitiativeStore`],
//! with migration 2 of `ballot-server/migrations/`.

mod postgres;
mod sqlite;

use async_trait::async_trait;
use psephos_trustee::roll::Member;

use crate::error::Result;

/// A login row (§2.2): only hashes of the token and the code.
#[derive(Clone, Debug)]
pub struct LoginRow {
    /// `SHA-256("psephos-login-link-v1" 0x00 || token)`.
    pub token_hash: [u8; 32],
    /// `SHA-256("psephos-login-code-v1" 0x00 || email || 0x00 || code)`.
    pub code_hash: [u8; 32],
    /// Lowercase e-mail address.
    pub email_lc: String,
    /// Member id.
    pub member_id: String,
    /// Created.
    pub created_at: u64,
    /// Expires.
    pub expires_at: u64,
}

/// Result of a code exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeOutcome {
    /// The code was right; the login is now used.
    Member(String),
    /// Wrong, expired or used.
    Invalid,
    /// Too many failures.
    Locked,
}

/// Most wrong codes per address before its live logins die (§2.2).
pub const MAX_CODE_FAILURES: i64 = 5;

/// A stored object with its version.
#[derive(Clone, Debug)]
pub struct Object {
    /// Version (1, then +1 per update).
    pub version: i64,
    /// JSON document.
    pub doc: String,
}

/// The initiatives' store.
#[async_trait]
pub trait InitiativeStore: Send + Sync {
    /// Replaces the member roll in one transaction.
    async fn replace_members(&self, members: &[Member]) -> Result<()>;
    /// Every member id, ascending in byte order.
    async fn member_ids(&self) -> Result<Vec<String>>;
    /// The member with this lowercase address, if any.
    async fn member_by_email(&self, email_lc: &str) -> Result<Option<String>>;
    /// A member's address, if on the roll.
    async fn member_email(&self, member_id: &str) -> Result<Option<String>>;

    /// Stores a login.
    async fn insert_login(&self, row: &LoginRow) -> Result<()>;
    /// Logins made for an address since `since`.
    async fn logins_since(&self, email_lc: &str, since: u64) -> Result<u64>;
    /// Uses a live login by its token hash, atomically; its member.
    async fn use_login_token(&self, token_hash: [u8; 32], now: u64) -> Result<Option<String>>;
    /// Uses a live login of `email_lc` by its code hash, counting failures.
    async fn use_login_code(
        &self,
        email_lc: &str,
        code_hash: [u8; 32],
        now: u64,
    ) -> Result<CodeOutcome>;

    /// Stores a session hash.
    async fn insert_session(&self, hash: [u8; 32], member: &str, expires_at: u64) -> Result<()>;
    /// The member of a live session and its expiry.
    async fn session(&self, hash: [u8; 32], now: u64) -> Result<Option<(String, u64)>>;
    /// Revokes a session.
    async fn revoke_session(&self, hash: [u8; 32]) -> Result<()>;

    /// Inserts object `kind/id` under `parent`; false if it exists.
    async fn insert_object(
        &self,
        kind: &str,
        id: &str,
        parent: &str,
        doc: &str,
        now: u64,
    ) -> Result<bool>;
    /// Reads an object.
    async fn object(&self, kind: &str, id: &str) -> Result<Option<Object>>;
    /// Writes `doc` if the version is still `version`.
    async fn update_object(&self, kind: &str, id: &str, version: i64, doc: &str) -> Result<bool>;
    /// Objects of `kind` under `parent`, in insertion order.
    async fn objects(&self, kind: &str, parent: &str) -> Result<Vec<Object>>;
}
