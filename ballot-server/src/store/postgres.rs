//! [`PgServerStore`]: the server store in PostgreSQL, shared by any number
//! of server processes. Round documents are updated by compare-and-swap on
//! their version; round locks are session advisory locks (shared for casts,
//! exclusive for transitions and audits), so a transition waits for the
//! casts in flight in every process.

use std::str::FromStr;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use psephos_trustee::roll::Member;
use sha2::{Digest, Sha256};
use tokio_postgres::NoTls;

use super::migrations::{CREATE_TABLE, POSTGRES};
use super::{Claim, Gate, LockHandle, RoundLock, ServerStore, TokenKind, TokenRecord, Versioned};
use crate::error::{Result, ServerError};
use crate::round::RoundDoc;

/// Advisory lock key of the server migrations ("psrvmigr").
const MIGRATION_LOCK: i64 = 0x7073_7276_6d69_6772;

/// The PostgreSQL server store.
pub struct PgServerStore {
    pool: Pool,
    /// Connections that hold round locks (and run a cast's checks), apart
    /// from `pool` so that waiting lock holders never starve the queries of
    /// the transition they wait for.
    lock_pool: Pool,
}

fn db(e: impl core::fmt::Display) -> ServerError {
    ServerError::database(e)
}

fn round_key(round: &str) -> i64 {
    let h = Sha256::digest(format!("psephos-round-lock:{round}").as_bytes());
    i64::from_be_bytes(h[..8].try_into().expect("8 bytes"))
}

fn parse_doc(version: i64, text: &str) -> Result<Versioned> {
    let doc = serde_json::from_str(text)
        .map_err(|e| ServerError::internal(format!("stored round document: {e}")))?;
    Ok(Versioned { version, doc })
}

fn doc_text(doc: &RoundDoc) -> Result<String> {
    serde_json::to_string(doc).map_err(|e| ServerError::internal(e.to_string()))
}

fn check_schema(s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
    if ok {
        Ok(())
    } else {
        Err(ServerError::bad_request(
            "server.config",
            format!("bad schema name {s:?}"),
        ))
    }
}

impl PgServerStore {
    /// Connects, creates the schema if asked and applies migrations.
    pub async fn connect(url: &str, schema: Option<&str>, pool_size: usize) -> Result<Self> {
        let mut cfg = tokio_postgres::Config::from_str(url)
            .map_err(|e| ServerError::bad_request("server.config", format!("bad URL: {e}")))?;
        if let Some(s) = schema {
            check_schema(s)?;
            cfg.options(format!("-c search_path={s}"));
        }
        let pool = |cfg: tokio_postgres::Config| {
            let mgr = Manager::from_config(
                cfg,
                NoTls,
                ManagerConfig {
                    recycling_method: RecyclingMethod::Fast,
                },
            );
            Pool::builder(mgr)
                .max_size(pool_size.max(4))
                .build()
                .map_err(db)
        };
        let store = PgServerStore {
            pool: pool(cfg.clone())?,
            lock_pool: pool(cfg)?,
        };
        store.migrate(schema).await?;
        Ok(store)
    }

    pub(crate) async fn conn(&self) -> Result<Object> {
        self.pool.get().await.map_err(db)
    }

    async fn migrate(&self, schema: Option<&str>) -> Result<()> {
        let mut c = self.conn().await?;
        c.query("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(db)?;
        let result = async {
            if let Some(s) = schema {
                c.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {s}"))
                    .await
                    .map_err(db)?;
            }
            let tx = c.transaction().await.map_err(db)?;
            tx.batch_execute(CREATE_TABLE).await.map_err(db)?;
            let current: i32 = tx
                .query_one(
                    "SELECT COALESCE(MAX(version), 0) FROM server_migrations",
                    &[],
                )
                .await
                .map_err(db)?
                .get(0);
            let known = POSTGRES.last().map_or(0, |m| m.0) as i32;
            if current > known {
                return Err(ServerError::internal(format!(
                    "server database is at migration {current}, newer than this code ({known})"
                )));
            }
            for (v, name, sql) in POSTGRES.iter().filter(|m| m.0 as i32 > current) {
                tx.batch_execute(sql).await.map_err(db)?;
                tx.execute(
                    "INSERT INTO server_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    &[&(*v as i32), name, &(crate::now() as i64)],
                )
                .await
                .map_err(db)?;
            }
            tx.commit().await.map_err(db)
        }
        .await;
        let _ = c
            .query("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await;
        result
    }

    async fn lock(&self, round: &str, shared: bool) -> Result<RoundLock> {
        let obj = self.lock_pool.get().await.map_err(db)?;
        let key = round_key(round);
        let q = if shared {
            "SELECT pg_advisory_lock_shared($1)"
        } else {
            "SELECT pg_advisory_lock($1)"
        };
        obj.query(q, &[&key]).await.map_err(db)?;
        Ok(RoundLock::new(Box::new(PgLock {
            obj: Some(obj),
            key,
            shared,
        })))
    }
}

/// A session advisory lock on a pooled connection.
struct PgLock {
    obj: Option<Object>,
    key: i64,
    shared: bool,
}

async fn unlock(obj: Object, key: i64, shared: bool) {
    let q = if shared {
        "SELECT pg_advisory_unlock_shared($1)"
    } else {
        "SELECT pg_advisory_unlock($1)"
    };
    if obj.query(q, &[&key]).await.is_err() {
        // Closing the connection releases every session lock it holds.
        drop(Object::take(obj));
    }
}

#[async_trait]
impl LockHandle for PgLock {
    async fn release(mut self: Box<Self>) {
        if let Some(obj) = self.obj.take() {
            unlock(obj, self.key, self.shared).await;
        }
    }
}

impl Drop for PgLock {
    fn drop(&mut self) {
        if let Some(obj) = self.obj.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(h) => {
                    h.spawn(unlock(obj, self.key, self.shared));
                }
                Err(_) => drop(Object::take(obj)),
            }
        }
    }
}

#[async_trait]
impl ServerStore for PgServerStore {
    async fn insert_round(&self, doc: &RoundDoc) -> Result<()> {
        let c = self.conn().await?;
        let n = c
            .execute(
                "INSERT INTO rounds (id, version, phase, doc) VALUES ($1, 1, $2, $3) \
                 ON CONFLICT (id) DO NOTHING",
                &[&doc.id(), &doc.cast_phase(), &doc_text(doc)?],
            )
            .await
            .map_err(db)?;
        if n == 0 {
            return Err(ServerError::conflict(
                "round.exists",
                format!("a round {:?} already exists", doc.id()),
            ));
        }
        Ok(())
    }

    async fn load_round(&self, id: &str) -> Result<Option<Versioned>> {
        let c = self.conn().await?;
        let row = c
            .query_opt("SELECT version, doc FROM rounds WHERE id = $1", &[&id])
            .await
            .map_err(db)?;
        row.map(|r| parse_doc(r.get(0), r.get::<_, &str>(1)))
            .transpose()
    }

    async fn list_rounds(&self) -> Result<Vec<Versioned>> {
        let c = self.conn().await?;
        let rows = c
            .query("SELECT version, doc FROM rounds ORDER BY id", &[])
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| parse_doc(r.get(0), r.get::<_, &str>(1)))
            .collect()
    }

    async fn update_round(&self, id: &str, version: i64, doc: &RoundDoc) -> Result<bool> {
        let c = self.conn().await?;
        let n = c
            .execute(
                "UPDATE rounds SET version = version + 1, phase = $1, doc = $2 \
                 WHERE id = $3 AND version = $4",
                &[&doc.cast_phase(), &doc_text(doc)?, &id, &version],
            )
            .await
            .map_err(db)?;
        Ok(n == 1)
    }

    async fn phase(&self, id: &str) -> Result<Option<String>> {
        let c = self.conn().await?;
        let row = c
            .query_opt("SELECT phase FROM rounds WHERE id = $1", &[&id])
            .await
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn insert_token(&self, hash: [u8; 32], record: &TokenRecord, now: u64) -> Result<()> {
        let c = self.conn().await?;
        let trustee = record.trustee.map(|t| t as i32);
        c.execute(
            "INSERT INTO tokens (hash, kind, round, trustee, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[&&hash[..], &record.kind.as_str(), &record.round, &trustee, &(now as i64)],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn token(&self, hash: [u8; 32]) -> Result<Option<TokenRecord>> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "SELECT kind, round, trustee FROM tokens WHERE hash = $1 AND NOT revoked",
                &[&&hash[..]],
            )
            .await
            .map_err(db)?;
        Ok(row.and_then(|r| {
            Some(TokenRecord {
                kind: TokenKind::parse(r.get::<_, &str>(0))?,
                round: r.get(1),
                trustee: r.get::<_, Option<i32>>(2).map(|t| t as u32),
            })
        }))
    }

    async fn revoke_trustee_tokens(&self, round: &str) -> Result<()> {
        let c = self.conn().await?;
        c.execute(
            "UPDATE tokens SET revoked = true WHERE kind = 'trustee' AND round = $1",
            &[&round],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn replace_roll(&self, round: &str, members: &[Member]) -> Result<()> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await.map_err(db)?;
        tx.execute("DELETE FROM roll WHERE round = $1", &[&round])
            .await
            .map_err(db)?;
        let st = tx
            .prepare(
                "INSERT INTO roll (round, line, member_id, email, weight) \
                 SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::bigint[])",
            )
            .await
            .map_err(db)?;
        for (ci, chunk) in members.chunks(5000).enumerate() {
            let lines: Vec<i64> = (0..chunk.len()).map(|i| (ci * 5000 + i) as i64).collect();
            let ids: Vec<&str> = chunk.iter().map(|m| m.member_id.as_str()).collect();
            let emails: Vec<&str> = chunk.iter().map(|m| m.email.as_str()).collect();
            let weights: Vec<i64> = chunk.iter().map(|m| m.weight as i64).collect();
            tx.execute(&st, &[&round, &lines, &ids, &emails, &weights])
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn roll(&self, round: &str) -> Result<Vec<Member>> {
        let c = self.conn().await?;
        let rows = c
            .query(
                "SELECT member_id, email, weight FROM roll WHERE round = $1 ORDER BY line",
                &[&round],
            )
            .await
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| Member {
                member_id: r.get(0),
                email: r.get(1),
                weight: r.get::<_, i64>(2) as u64,
            })
            .collect())
    }

    async fn put_blob(&self, round: &str, name: &str, bytes: &[u8]) -> Result<()> {
        let c = self.conn().await?;
        c.execute(
            "INSERT INTO blobs (round, name, bytes) VALUES ($1, $2, $3) \
             ON CONFLICT (round, name) DO UPDATE SET bytes = EXCLUDED.bytes",
            &[&round, &name, &bytes],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn blob(&self, round: &str, name: &str) -> Result<Option<Vec<u8>>> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "SELECT bytes FROM blobs WHERE round = $1 AND name = $2",
                &[&round, &name],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn insert_audit(&self, round: &str, tracking: [u8; 32]) -> Result<()> {
        let c = self.conn().await?;
        c.execute(
            "INSERT INTO audits (round, tracking_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&round, &&tracking[..]],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn is_audited(&self, round: &str, tracking: [u8; 32]) -> Result<bool> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "SELECT 1 FROM audits WHERE round = $1 AND tracking_code = $2",
                &[&round, &&tracking[..]],
            )
            .await
            .map_err(db)?;
        Ok(row.is_some())
    }

    async fn claim_once(
        &self,
        round: &str,
        credential: [u8; 32],
        tracking: [u8; 32],
    ) -> Result<Claim> {
        let c = self.conn().await?;
        let n = c
            .execute(
                "INSERT INTO once_casts (round, credential, tracking_code) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
                &[&round, &&credential[..], &&tracking[..]],
            )
            .await
            .map_err(db)?;
        if n == 1 {
            return Ok(Claim::New);
        }
        let row = c
            .query_one(
                "SELECT tracking_code FROM once_casts WHERE round = $1 AND credential = $2",
                &[&round, &&credential[..]],
            )
            .await
            .map_err(db)?;
        let stored: Vec<u8> = row.get(0);
        Ok(if stored == tracking {
            Claim::Same
        } else {
            Claim::Other
        })
    }

    async fn lock_shared(&self, round: &str) -> Result<RoundLock> {
        self.lock(round, true).await
    }

    async fn lock_exclusive(&self, round: &str) -> Result<RoundLock> {
        self.lock(round, false).await
    }

    async fn cast_gate(
        &self,
        round: &str,
        tracking: [u8; 32],
        once: Option<[u8; 32]>,
    ) -> Result<(RoundLock, Gate)> {
        let obj = self.lock_pool.get().await.map_err(db)?;
        let key = round_key(round);
        // One pipelined round trip on the lock's connection: the lock is
        // granted before the reads that follow it run.
        let (lock_st, phase_st, audit_st) = tokio::try_join!(
            obj.prepare_cached("SELECT pg_advisory_lock_shared($1)"),
            obj.prepare_cached("SELECT phase FROM rounds WHERE id = $1"),
            obj.prepare_cached("SELECT 1 FROM audits WHERE round = $1 AND tracking_code = $2"),
        )
        .map_err(db)?;
        let tc = &tracking[..];
        let (p_lock, p_phase, p_audit): (
            [&(dyn tokio_postgres::types::ToSql + Sync); 1],
            [&(dyn tokio_postgres::types::ToSql + Sync); 1],
            [&(dyn tokio_postgres::types::ToSql + Sync); 2],
        ) = ([&key], [&round], [&round, &tc]);
        let (_, phase, audited) = tokio::try_join!(
            obj.query(&lock_st, &p_lock),
            obj.query_opt(&phase_st, &p_phase),
            obj.query_opt(&audit_st, &p_audit),
        )
        .map_err(db)?;
        let lock = RoundLock::new(Box::new(PgLock {
            obj: Some(obj),
            key,
            shared: true,
        }));
        let phase: Option<String> = phase.map(|r| r.get(0));
        let audited = audited.is_some();
        let claim = match once {
            Some(c) if phase.as_deref() == Some("open") && !audited => {
                match self.claim_once(round, c, tracking).await {
                    Ok(claim) => Some(claim),
                    Err(e) => {
                        lock.release().await;
                        return Err(e);
                    }
                }
            }
            _ => None,
        };
        Ok((
            lock,
            Gate {
                phase,
                audited,
                claim,
            },
        ))
    }
}
