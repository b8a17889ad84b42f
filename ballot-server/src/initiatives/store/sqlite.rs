//! [`InitiativeStore`] on the SQLite server store.

use async_trait::async_trait;
use psephos_trustee::roll::Member;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{CodeOutcome, InitiativeStore, LoginRow, Object, MAX_CODE_FAILURES};
use crate::error::{Result, ServerError};
use crate::store::SqliteServerStore;

fn db(e: rusqlite::Error) -> ServerError {
    ServerError::database(e)
}

#[async_trait]
impl InitiativeStore for SqliteServerStore {
    async fn replace_members(&self, members: &[Member]) -> Result<()> {
        let members = members.to_vec();
        self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            tx.execute("DELETE FROM ini_members", []).map_err(db)?;
            {
                let mut st = tx
                    .prepare(
                        "INSERT INTO ini_members (member_id, email, email_lc, line) \
                         VALUES (?1, ?2, ?3, ?4)",
                    )
                    .map_err(db)?;
                for (i, m) in members.iter().enumerate() {
                    st.execute(params![
                        m.member_id,
                        m.email,
                        m.email.to_lowercase(),
                        i as i64
                    ])
                    .map_err(db)?;
                }
            }
            tx.commit().map_err(db)
        })
        .await
    }

    async fn member_ids(&self) -> Result<Vec<String>> {
        self.run(|c| {
            let mut st = c.prepare("SELECT member_id FROM ini_members").map_err(db)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(db)?;
            let mut ids = rows
                .collect::<rusqlite::Result<Vec<String>>>()
                .map_err(db)?;
            ids.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            Ok(ids)
        })
        .await
    }

    async fn member_by_email(&self, email_lc: &str) -> Result<Option<String>> {
        let e = email_lc.to_string();
        self.run(move |c| {
            c.query_row(
                "SELECT member_id FROM ini_members WHERE email_lc = ?1 ORDER BY line LIMIT 1",
                params![e],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn member_email(&self, member_id: &str) -> Result<Option<String>> {
        let m = member_id.to_string();
        self.run(move |c| {
            c.query_row(
                "SELECT email FROM ini_members WHERE member_id = ?1",
                params![m],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn insert_login(&self, row: &LoginRow) -> Result<()> {
        let r = row.clone();
        self.run(move |c| {
            c.execute(
                "INSERT INTO ini_logins (token_hash, code_hash, email_lc, member_id, created_at, \
                 expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    &r.token_hash[..],
                    &r.code_hash[..],
                    r.email_lc,
                    r.member_id,
                    r.created_at as i64,
                    r.expires_at as i64
                ],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn logins_since(&self, email_lc: &str, since: u64) -> Result<u64> {
        let e = email_lc.to_string();
        self.run(move |c| {
            c.query_row(
                "SELECT COUNT(*) FROM ini_logins WHERE email_lc = ?1 AND created_at >= ?2",
                params![e, since as i64],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(db)
        })
        .await
    }

    async fn use_login_token(&self, token_hash: [u8; 32], now: u64) -> Result<Option<String>> {
        self.run(move |c| {
            c.query_row(
                "UPDATE ini_logins SET used = 1 WHERE token_hash = ?1 AND used = 0 \
                 AND expires_at > ?2 AND failures < ?3 RETURNING member_id",
                params![&token_hash[..], now as i64, MAX_CODE_FAILURES],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn use_login_code(
        &self,
        email_lc: &str,
        code_hash: [u8; 32],
        now: u64,
    ) -> Result<CodeOutcome> {
        let e = email_lc.to_string();
        self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            let hit: Option<String> = tx
                .query_row(
                    "UPDATE ini_logins SET used = 1 WHERE email_lc = ?1 AND code_hash = ?2 \
                     AND used = 0 AND expires_at > ?3 AND failures < ?4 RETURNING member_id",
                    params![e, &code_hash[..], now as i64, MAX_CODE_FAILURES],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)?;
            let outcome = match hit {
                Some(m) => CodeOutcome::Member(m),
                None => {
                    tx.execute(
                        "UPDATE ini_logins SET failures = failures + 1 WHERE email_lc = ?1 \
                         AND used = 0 AND expires_at > ?2",
                        params![e, now as i64],
                    )
                    .map_err(db)?;
                    let locked: i64 = tx
                        .query_row(
                            "SELECT COUNT(*) FROM ini_logins WHERE email_lc = ?1 AND used = 0 \
                             AND expires_at > ?2 AND failures >= ?3",
                            params![e, now as i64, MAX_CODE_FAILURES],
                            |r| r.get(0),
                        )
                        .map_err(db)?;
                    if locked > 0 {
                        CodeOutcome::Locked
                    } else {
                        CodeOutcome::Invalid
                    }
                }
            };
            tx.commit().map_err(db)?;
            Ok(outcome)
        })
        .await
    }

    async fn insert_session(&self, hash: [u8; 32], member: &str, expires_at: u64) -> Result<()> {
        let m = member.to_string();
        self.run(move |c| {
            c.execute(
                "INSERT INTO ini_sessions (hash, member_id, expires_at) VALUES (?1, ?2, ?3)",
                params![&hash[..], m, expires_at as i64],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn session(&self, hash: [u8; 32], now: u64) -> Result<Option<(String, u64)>> {
        self.run(move |c| {
            c.query_row(
                "SELECT member_id, expires_at FROM ini_sessions WHERE hash = ?1 AND revoked = 0 \
                 AND expires_at > ?2",
                params![&hash[..], now as i64],
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
            )
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn revoke_session(&self, hash: [u8; 32]) -> Result<()> {
        self.run(move |c| {
            c.execute(
                "UPDATE ini_sessions SET revoked = 1 WHERE hash = ?1",
                params![&hash[..]],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn insert_object(
        &self,
        kind: &str,
        id: &str,
        parent: &str,
        doc: &str,
        now: u64,
    ) -> Result<bool> {
        let (k, i, p, d) = (
            kind.to_string(),
            id.to_string(),
            parent.to_string(),
            doc.to_string(),
        );
        self.run(move |c| {
            let n = c
                .execute(
                    "INSERT OR IGNORE INTO ini_objects (kind, id, parent, version, created_at, doc) \
                     VALUES (?1, ?2, ?3, 1, ?4, ?5)",
                    params![k, i, p, now as i64, d],
                )
                .map_err(db)?;
            Ok(n == 1)
        })
        .await
    }

    async fn object(&self, kind: &str, id: &str) -> Result<Option<Object>> {
        let (k, i) = (kind.to_string(), id.to_string());
        self.run(move |c| {
            c.query_row(
                "SELECT version, doc FROM ini_objects WHERE kind = ?1 AND id = ?2",
                params![k, i],
                |r| {
                    Ok(Object {
                        version: r.get(0)?,
                        doc: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(db)
        })
        .await
    }

    async fn update_object(&self, kind: &str, id: &str, version: i64, doc: &str) -> Result<bool> {
        let (k, i, d) = (kind.to_string(), id.to_string(), doc.to_string());
        self.run(move |c| {
            let n = c
                .execute(
                    "UPDATE ini_objects SET version = version + 1, doc = ?1 \
                     WHERE kind = ?2 AND id = ?3 AND version = ?4",
                    params![d, k, i, version],
                )
                .map_err(db)?;
            Ok(n == 1)
        })
        .await
    }

    async fn objects(&self, kind: &str, parent: &str) -> Result<Vec<Object>> {
        let (k, p) = (kind.to_string(), parent.to_string());
        self.run(move |c| {
            let mut st = c
                .prepare(
                    "SELECT version, doc FROM ini_objects WHERE kind = ?1 AND parent = ?2 \
                     ORDER BY rowid",
                )
                .map_err(db)?;
            let rows = st
                .query_map(params![k, p], |r| {
                    Ok(Object {
                        version: r.get(0)?,
                        doc: r.get(1)?,
                    })
                })
                .map_err(db)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)
        })
        .await
    }
}
