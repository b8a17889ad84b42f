//! Server-side state that is not on the board (specs/server-api.md §9):
//! round documents (versioned JSON, compare-and-swap), token hashes, the
//! roll, blobs (the public credential list before it is posted), audited
//! tracking codes, `once`-policy claims, and the round locks that keep every
//! ballot between the `open` and `close` entries across processes.
//!
//! | module | holds |
//! | --- | --- |
//! | [`sqlite`] | [`SqliteServerStore`]: one file, one process |
//! | [`postgres`] | [`PgServerStore`]: many processes, advisory locks |
//! | `memlock` | in-process round locks (SQLite) |
//! | `migrations` | versioned SQL under `ballot-server/migrations/` |

mod memlock;
mod migrations;
pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;
use psephos_trustee::roll::Member;

use crate::error::Result;
use crate::round::RoundDoc;

pub use postgres::PgServerStore;
pub use sqlite::SqliteServerStore;

/// A round document with the version it was read at.
#[derive(Clone, Debug)]
pub struct Versioned {
    /// Version (incremented by every update).
    pub version: i64,
    /// The document.
    pub doc: RoundDoc,
}

/// Kinds of bearer token; never interchangeable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Election officer (all rounds).
    Officer,
    /// Trustee `trustee` of one round's ceremony.
    Trustee,
}

impl TokenKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Officer => "officer",
            TokenKind::Trustee => "trustee",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "officer" => Some(TokenKind::Officer),
            "trustee" => Some(TokenKind::Trustee),
            _ => None,
        }
    }
}

/// What a token hash maps to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    /// Kind.
    pub kind: TokenKind,
    /// The round (trustee tokens).
    pub round: Option<String>,
    /// The trustee index (trustee tokens).
    pub trustee: Option<u32>,
}

/// Result of [`ServerStore::claim_once`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The credential had no ballot; this one is now its only one.
    New,
    /// The credential's ballot is this very ballot (a resubmission).
    Same,
    /// The credential already cast another ballot.
    Other,
}

/// What a cast learns under the round's shared lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gate {
    /// The phase column (`open` exactly when ballots are accepted).
    pub phase: Option<String>,
    /// True if the tracking code belongs to an audited ballot.
    pub audited: bool,
    /// Under `once`, the claim on the credential (made only when open and
    /// not audited).
    pub claim: Option<Claim>,
}

/// A held round lock; [`RoundLock::release`] gives it back. Dropping it
/// without releasing also releases it (asynchronously).
pub struct RoundLock {
    inner: Box<dyn LockHandle>,
}

impl RoundLock {
    pub(crate) fn new(inner: Box<dyn LockHandle>) -> Self {
        RoundLock { inner }
    }

    /// Releases the lock.
    pub async fn release(self) {
        self.inner.release().await
    }
}

/// The backend half of a [`RoundLock`].
#[async_trait]
pub(crate) trait LockHandle: Send {
    async fn release(self: Box<Self>);
}

/// The server store.
#[async_trait]
pub trait ServerStore: Send + Sync {
    /// Inserts a new round; `round.exists` if the id is taken.
    async fn insert_round(&self, doc: &RoundDoc) -> Result<()>;
    /// Reads a round.
    async fn load_round(&self, id: &str) -> Result<Option<Versioned>>;
    /// Every round, by id.
    async fn list_rounds(&self) -> Result<Vec<Versioned>>;
    /// Writes `doc` if the stored version is still `version`; false if
    /// another writer came first.
    async fn update_round(&self, id: &str, version: i64, doc: &RoundDoc) -> Result<bool>;
    /// The phase column alone (`open` exactly when ballots are accepted).
    async fn phase(&self, id: &str) -> Result<Option<String>>;

    /// Stores a token hash.
    async fn insert_token(&self, hash: [u8; 32], record: &TokenRecord, now: u64) -> Result<()>;
    /// Looks a token hash up (revoked ones are not found).
    async fn token(&self, hash: [u8; 32]) -> Result<Option<TokenRecord>>;
    /// Revokes every trustee token of a round.
    async fn revoke_trustee_tokens(&self, round: &str) -> Result<()>;

    /// Replaces the roll of a round in one transaction.
    async fn replace_roll(&self, round: &str, members: &[Member]) -> Result<()>;
    /// The roll, in import order.
    async fn roll(&self, round: &str) -> Result<Vec<Member>>;

    /// Stores a blob (overwrites).
    async fn put_blob(&self, round: &str, name: &str, bytes: &[u8]) -> Result<()>;
    /// Reads a blob.
    async fn blob(&self, round: &str, name: &str) -> Result<Option<Vec<u8>>>;

    /// Records an audited tracking code (before its entry is appended).
    async fn insert_audit(&self, round: &str, tracking: [u8; 32]) -> Result<()>;
    /// True if the tracking code belongs to an audited ballot.
    async fn is_audited(&self, round: &str, tracking: [u8; 32]) -> Result<bool>;
    /// `once` policy: claims the credential's only ballot, durably, before
    /// the ballot is appended.
    async fn claim_once(
        &self,
        round: &str,
        credential: [u8; 32],
        tracking: [u8; 32],
    ) -> Result<Claim>;

    /// Shared round lock, held by every cast from its state check until
    /// its append is durable.
    async fn lock_shared(&self, round: &str) -> Result<RoundLock>;
    /// Exclusive round lock, held by transitions and audits: waits until
    /// no cast holds the shared lock, in any process.
    async fn lock_exclusive(&self, round: &str) -> Result<RoundLock>;

    /// Takes the shared lock and, under it, reads the phase, whether the
    /// ballot was audited and (under `once`, `once = Some(credential)`)
    /// claims the credential. Backends may do it all on the lock's own
    /// connection.
    async fn cast_gate(
        &self,
        round: &str,
        tracking: [u8; 32],
        once: Option<[u8; 32]>,
    ) -> Result<(RoundLock, Gate)> {
        let lock = self.lock_shared(round).await?;
        let checks = async {
            let phase = self.phase(round).await?;
            let audited = self.is_audited(round, tracking).await?;
            let claim = match once {
                Some(c) if phase.as_deref() == Some("open") && !audited => {
                    Some(self.claim_once(round, c, tracking).await?)
                }
                _ => None,
            };
            Ok(Gate {
                phase,
                audited,
                claim,
            })
        }
        .await;
        match checks {
            Ok(g) => Ok((lock, g)),
            Err(e) => {
                lock.release().await;
                Err(e)
            }
        }
    }
}
