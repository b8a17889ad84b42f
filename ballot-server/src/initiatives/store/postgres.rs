//! [`InitiativeStore`] on the PostgreSQL server store.

use async_trait::async_trait;
use psephos_trustee::roll::Member;

use super::{CodeOutcome, InitiativeStore, LoginRow, Object, MAX_CODE_FAILURES};
use crate::error::{Result, ServerError};
use crate::store::PgServerStore;

fn db(e: impl core::fmt::Display) -> ServerError {
    ServerError::database(e)
}

fn object(r: &tokio_postgres::Row) -> Object {
    Object {
        version: r.get(0),
        doc: r.get(1),
    }
}

#[async_trait]
impl InitiativeStore for PgServerStore {
    async fn replace_members(&self, members: &[Member]) -> Result<()> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await.map_err(db)?;
        tx.execute("DELETE FROM ini_members", &[])
            .await
            .map_err(db)?;
        let st = tx
            .prepare(
                "INSERT INTO ini_members (member_id, email, email_lc, line) VALUES ($1, $2, $3, $4)",
            )
            .await
            .map_err(db)?;
        for (i, m) in members.iter().enumerate() {
            tx.execute(
                &st,
                &[&m.member_id, &m.email, &m.email.to_lowercase(), &(i as i64)],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn member_ids(&self) -> Result<Vec<String>> {
        let c = self.conn().await?;
        let rows = c
            .query("SELECT member_id FROM ini_members", &[])
            .await
            .map_err(db)?;
        let mut ids: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        ids.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        Ok(ids)
    }

    async fn member_by_email(&self, email_lc: &str) -> Result<Option<String>> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "SELECT member_id FROM ini_members WHERE email_lc = $1 ORDER BY line LIMIT 1",
                &[&email_lc],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn member_email(&self, member_id: &str) -> Result<Option<String>> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "SELECT email FROM ini_members WHERE member_id = $1",
                &[&member_id],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn insert_login(&self, r: &LoginRow) -> Result<()> {
        let c = self.conn().await?;
        c.execute(
            "INSERT INTO ini_logins (token_hash, code_hash, email_lc, member_id, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &&r.token_hash[..],
                &&r.code_hash[..],
                &r.email_lc,
                &r.member_id,
                &(r.created_at as i64),
                &(r.expires_at as i64),
            ],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn logins_since(&self, email_lc: &str, since: u64) -> Result<u64> {
        let c = self.conn().await?;
        let n: i64 = c
            .query_one(
                "SELECT COUNT(*) FROM ini_logins WHERE email_lc = $1 AND created_at >= $2",
                &[&email_lc, &(since as i64)],
            )
            .await
            .map_err(db)?
            .get(0);
        Ok(n as u64)
    }

    async fn use_login_token(&self, token_hash: [u8; 32], now: u64) -> Result<Option<String>> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "UPDATE ini_logins SET used = true WHERE token_hash = $1 AND NOT used \
                 AND expires_at > $2 AND failures < $3 RETURNING member_id",
                &[&&token_hash[..], &(now as i64), &(MAX_CODE_FAILURES as i32)],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn use_login_code(
        &self,
        email_lc: &str,
        code_hash: [u8; 32],
        now: u64,
    ) -> Result<CodeOutcome> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await.map_err(db)?;
        let now = now as i64;
        let max = MAX_CODE_FAILURES as i32;
        // Lock the address's live logins so that concurrent guesses count.
        tx.query(
            "SELECT 1 FROM ini_logins WHERE email_lc = $1 AND NOT used AND expires_at > $2 \
             FOR UPDATE",
            &[&email_lc, &now],
        )
        .await
        .map_err(db)?;
        let hit = tx
            .query_opt(
                "UPDATE ini_logins SET used = true WHERE email_lc = $1 AND code_hash = $2 \
                 AND NOT used AND expires_at > $3 AND failures < $4 RETURNING member_id",
                &[&email_lc, &&code_hash[..], &now, &max],
            )
            .await
            .map_err(db)?;
        let outcome = match hit {
            Some(r) => CodeOutcome::Member(r.get(0)),
            None => {
                tx.execute(
                    "UPDATE ini_logins SET failures = failures + 1 WHERE email_lc = $1 \
                     AND NOT used AND expires_at > $2",
                    &[&email_lc, &now],
                )
                .await
                .map_err(db)?;
                let locked: i64 = tx
                    .query_one(
                        "SELECT COUNT(*) FROM ini_logins WHERE email_lc = $1 AND NOT used \
                         AND expires_at > $2 AND failures >= $3",
                        &[&email_lc, &now, &max],
                    )
                    .await
                    .map_err(db)?
                    .get(0);
                if locked > 0 {
                    CodeOutcome::Locked
                } else {
                    CodeOutcome::Invalid
                }
            }
        };
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn insert_session(&self, hash: [u8; 32], member: &str, expires_at: u64) -> Result<()> {
        let c = self.conn().await?;
        c.execute(
            "INSERT INTO ini_sessions (hash, member_id, expires_at) VALUES ($1, $2, $3)",
            &[&&hash[..], &member, &(expires_at as i64)],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn session(&self, hash: [u8; 32], now: u64) -> Result<Option<(String, u64)>> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "SELECT member_id, expires_at FROM ini_sessions WHERE hash = $1 AND NOT revoked \
                 AND expires_at > $2",
                &[&&hash[..], &(now as i64)],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| (r.get(0), r.get::<_, i64>(1) as u64)))
    }

    async fn revoke_session(&self, hash: [u8; 32]) -> Result<()> {
        let c = self.conn().await?;
        c.execute(
            "UPDATE ini_sessions SET revoked = true WHERE hash = $1",
            &[&&hash[..]],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn insert_object(
        &self,
        kind: &str,
        id: &str,
        parent: &str,
        doc: &str,
        now: u64,
    ) -> Result<bool> {
        let c = self.conn().await?;
        let n = c
            .execute(
                "INSERT INTO ini_objects (kind, id, parent, version, created_at, doc) \
                 VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT DO NOTHING",
                &[&kind, &id, &parent, &(now as i64), &doc],
            )
            .await
            .map_err(db)?;
        Ok(n == 1)
    }

    async fn object(&self, kind: &str, id: &str) -> Result<Option<Object>> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "SELECT version, doc FROM ini_objects WHERE kind = $1 AND id = $2",
                &[&kind, &id],
            )
            .await
            .map_err(db)?;
        Ok(row.as_ref().map(object))
    }

    async fn update_object(&self, kind: &str, id: &str, version: i64, doc: &str) -> Result<bool> {
        let c = self.conn().await?;
        let n = c
            .execute(
                "UPDATE ini_objects SET version = version + 1, doc = $1 \
                 WHERE kind = $2 AND id = $3 AND version = $4",
                &[&doc, &kind, &id, &version],
            )
            .await
            .map_err(db)?;
        Ok(n == 1)
    }

    async fn objects(&self, kind: &str, parent: &str) -> Result<Vec<Object>> {
        let c = self.conn().await?;
        let rows = c
            .query(
                "SELECT version, doc FROM ini_objects WHERE kind = $1 AND parent = $2 ORDER BY seq",
                &[&kind, &parent],
            )
            .await
            .map_err(db)?;
        Ok(rows.iter().map(object).collect())
    }
}
