//! [`SqliteServerStore`]: the server store in one SQLite file (WAL,
//! `synchronous=FULL`), for a single server process; round locks are
//! in-process.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use psephos_trustee::roll::Member;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::memlock::MemLocks;
use super::migrations::{CREATE_TABLE, SQLITE};
use super::{Claim, RoundLock, ServerStore, TokenKind, TokenRecord, Versioned};
use crate::error::{Result, ServerError};
use crate::round::RoundDoc;

/// The SQLite server store.
pub struct SqliteServerStore {
    conn: Arc<Mutex<Connection>>,
    locks: MemLocks,
}

fn db(e: rusqlite::Error) -> ServerError {
    ServerError::database(e)
}

fn parse_doc(version: i64, text: &str) -> Result<Versioned> {
    let doc = serde_json::from_str(text)
        .map_err(|e| ServerError::internal(format!("stored round document: {e}")))?;
    Ok(Versioned { version, doc })
}

fn doc_text(doc: &RoundDoc) -> Result<String> {
    serde_json::to_string(doc).map_err(|e| ServerError::internal(e.to_string()))
}

impl SqliteServerStore {
    /// Opens (creating if needed) the file and applies migrations.
    pub fn open(path: &Path) -> Result<Self> {
        let mut c = Connection::open(path).map_err(db)?;
        c.busy_timeout(Duration::from_secs(30)).map_err(db)?;
        c.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
        c.pragma_update(None, "synchronous", "FULL").map_err(db)?;
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        tx.execute_batch(CREATE_TABLE).map_err(db)?;
        let current: u32 = tx
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM server_migrations",
                [],
                |r| r.get(0),
            )
            .map_err(db)?;
        let known = SQLITE.last().map_or(0, |m| m.0);
        if current > known {
            return Err(ServerError::internal(format!(
                "server database is at migration {current}, newer than this code ({known})"
            )));
        }
        for (v, name, sql) in SQLITE.iter().filter(|m| m.0 > current) {
            tx.execute_batch(sql).map_err(db)?;
            tx.execute(
                "INSERT INTO server_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![v, name, crate::now() as i64],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(SqliteServerStore {
            conn: Arc::new(Mutex::new(c)),
            locks: MemLocks::default(),
        })
    }

    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = conn.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut c)
        })
        .await
        .map_err(|e| ServerError::internal(format!("store task: {e}")))?
    }
}

#[async_trait]
impl ServerStore for SqliteServerStore {
    async fn insert_round(&self, doc: &RoundDoc) -> Result<()> {
        let (id, phase, text) = (doc.id().to_string(), doc.cast_phase(), doc_text(doc)?);
        self.run(move |c| {
            let n = c
                .execute(
                    "INSERT OR IGNORE INTO rounds (id, version, phase, doc) VALUES (?1, 1, ?2, ?3)",
                    params![id, phase, text],
                )
                .map_err(db)?;
            if n == 0 {
                return Err(ServerError::conflict(
                    "round.exists",
                    format!("a round {id:?} already exists"),
                ));
            }
            Ok(())
        })
        .await
    }

    async fn load_round(&self, id: &str) -> Result<Option<Versioned>> {
        let id = id.to_string();
        self.run(move |c| {
            let row: Option<(i64, String)> = c
                .query_row(
                    "SELECT version, doc FROM rounds WHERE id = ?1",
                    params![id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(db)?;
            row.map(|(v, t)| parse_doc(v, &t)).transpose()
        })
        .await
    }

    async fn list_rounds(&self) -> Result<Vec<Versioned>> {
        self.run(|c| {
            let mut st = c
                .prepare("SELECT version, doc FROM rounds ORDER BY id")
                .map_err(db)?;
            let rows = st
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (v, t) = row.map_err(db)?;
                out.push(parse_doc(v, &t)?);
            }
            Ok(out)
        })
        .await
    }

    async fn update_round(&self, id: &str, version: i64, doc: &RoundDoc) -> Result<bool> {
        let (id, phase, text) = (id.to_string(), doc.cast_phase(), doc_text(doc)?);
        self.run(move |c| {
            let n = c
                .execute(
                    "UPDATE rounds SET version = version + 1, phase = ?1, doc = ?2 \
                     WHERE id = ?3 AND version = ?4",
                    params![phase, text, id, version],
                )
                .map_err(db)?;
            Ok(n == 1)
        })
        .await
    }

    async fn phase(&self, id: &str) -> Result<Option<String>> {
        let id = id.to_string();
        self.run(move |c| {
            c.query_row("SELECT phase FROM rounds WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn insert_token(&self, hash: [u8; 32], record: &TokenRecord, now: u64) -> Result<()> {
        let r = record.clone();
        self.run(move |c| {
            c.execute(
                "INSERT INTO tokens (hash, kind, round, trustee, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![&hash[..], r.kind.as_str(), r.round, r.trustee, now as i64],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn token(&self, hash: [u8; 32]) -> Result<Option<TokenRecord>> {
        self.run(move |c| {
            let row: Option<(String, Option<String>, Option<u32>)> = c
                .query_row(
                    "SELECT kind, round, trustee FROM tokens WHERE hash = ?1 AND revoked = 0",
                    params![&hash[..]],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(db)?;
            Ok(row.and_then(|(k, round, trustee)| {
                Some(TokenRecord {
                    kind: TokenKind::parse(&k)?,
                    round,
                    trustee,
                })
            }))
        })
        .await
    }

    async fn revoke_trustee_tokens(&self, round: &str) -> Result<()> {
        let round = round.to_string();
        self.run(move |c| {
            c.execute(
                "UPDATE tokens SET revoked = 1 WHERE kind = 'trustee' AND round = ?1",
                params![round],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn replace_roll(&self, round: &str, members: &[Member]) -> Result<()> {
        let (round, members) = (round.to_string(), members.to_vec());
        self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            tx.execute("DELETE FROM roll WHERE round = ?1", params![round])
                .map_err(db)?;
            {
                let mut st = tx
                    .prepare(
                        "INSERT INTO roll (round, line, member_id, email, weight) \
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )
                    .map_err(db)?;
                for (i, m) in members.iter().enumerate() {
                    st.execute(params![
                        round,
                        i as i64,
                        m.member_id,
                        m.email,
                        m.weight as i64
                    ])
                    .map_err(db)?;
                }
            }
            tx.commit().map_err(db)
        })
        .await
    }

    async fn roll(&self, round: &str) -> Result<Vec<Member>> {
        let round = round.to_string();
        self.run(move |c| {
            let mut st = c
                .prepare("SELECT member_id, email, weight FROM roll WHERE round = ?1 ORDER BY line")
                .map_err(db)?;
            let rows = st
                .query_map(params![round], |r| {
                    Ok(Member {
                        member_id: r.get(0)?,
                        email: r.get(1)?,
                        weight: r.get::<_, i64>(2)? as u64,
                    })
                })
                .map_err(db)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)
        })
        .await
    }

    async fn put_blob(&self, round: &str, name: &str, bytes: &[u8]) -> Result<()> {
        let (round, name, bytes) = (round.to_string(), name.to_string(), bytes.to_vec());
        self.run(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO blobs (round, name, bytes) VALUES (?1, ?2, ?3)",
                params![round, name, bytes],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn blob(&self, round: &str, name: &str) -> Result<Option<Vec<u8>>> {
        let (round, name) = (round.to_string(), name.to_string());
        self.run(move |c| {
            c.query_row(
                "SELECT bytes FROM blobs WHERE round = ?1 AND name = ?2",
                params![round, name],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn insert_audit(&self, round: &str, tracking: [u8; 32]) -> Result<()> {
        let round = round.to_string();
        self.run(move |c| {
            c.execute(
                "INSERT OR IGNORE INTO audits (round, tracking_code) VALUES (?1, ?2)",
                params![round, &tracking[..]],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn is_audited(&self, round: &str, tracking: [u8; 32]) -> Result<bool> {
        let round = round.to_string();
        self.run(move |c| {
            let n: i64 = c
                .query_row(
                    "SELECT COUNT(*) FROM audits WHERE round = ?1 AND tracking_code = ?2",
                    params![round, &tracking[..]],
                    |r| r.get(0),
                )
                .map_err(db)?;
            Ok(n > 0)
        })
        .await
    }

    async fn claim_once(
        &self,
        round: &str,
        credential: [u8; 32],
        tracking: [u8; 32],
    ) -> Result<Claim> {
        let round = round.to_string();
        self.run(move |c| {
            let n = c
                .execute(
                    "INSERT OR IGNORE INTO once_casts (round, credential, tracking_code) VALUES (?1, ?2, ?3)",
                    params![round, &credential[..], &tracking[..]],
                )
                .map_err(db)?;
            if n == 1 {
                return Ok(Claim::New);
            }
            let stored: Vec<u8> = c
                .query_row(
                    "SELECT tracking_code FROM once_casts WHERE round = ?1 AND credential = ?2",
                    params![round, &credential[..]],
                    |r| r.get(0),
                )
                .map_err(db)?;
            Ok(if stored == tracking { Claim::Same } else { Claim::Other })
        })
        .await
    }

    async fn lock_shared(&self, round: &str) -> Result<RoundLock> {
        Ok(self.locks.shared(round).await)
    }

    async fn lock_exclusive(&self, round: &str) -> Result<RoundLock> {
        Ok(self.locks.exclusive(round).await)
    }
}
