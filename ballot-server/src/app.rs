//! [`App`]: everything a request handler needs — configuration, the board,
//! the server store, the live-round cache, the verification pool, metrics,
//! rate limits and the mailer — and how it is opened from a [`Config`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use psephos_board::store::{BoardConfig, PgConfig, PgStore, SqliteStore, Store};
use psephos_board::{BoardPublicKey, SigningKey};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use crate::config::Config;
use crate::error::{Result, ServerError};
use crate::initiatives::store::InitiativeStore;
use crate::limits::RateLimits;
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::service::live::LiveRound;
use crate::store::{PgServerStore, ServerStore, SqliteServerStore};

/// Shared state of one server process.
pub struct App {
    /// Resolved configuration.
    pub config: Config,
    /// The bulletin board.
    pub board: Arc<dyn Store>,
    /// The board's public key (in every manifest).
    pub board_key: BoardPublicKey,
    /// Server-side state.
    pub store: Arc<dyn ServerStore>,
    /// Rounds open or later, loaded from the board once.
    pub live: Mutex<HashMap<String, Arc<LiveRound>>>,
    /// Threads for other CPU work (ceremony, tally, audits, shares).
    pub verifier: rayon::ThreadPool,
    /// Threads that parse and verify cast ballots in batches.
    pub ballots: crate::verify::BatchVerifier,
    /// Metrics.
    pub metrics: Metrics,
    /// Rate limits.
    pub limits: RateLimits,
    /// SMTP, if configured.
    pub mailer: Option<Mailer>,
    /// Member initiatives: their store and support-log cache.
    pub initiatives: crate::initiatives::Initiatives,
}

/// Reads the board key file, creating it (mode 0600) if absent.
pub fn load_or_create_key(path: &Path) -> Result<SigningKey> {
    let cfg = |e: std::io::Error| {
        ServerError::bad_request("server.config", format!("{}: {e}", path.display()))
    };
    if path.exists() {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(cfg)?);
        let seed: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| {
                ServerError::bad_request("server.config", "board key file is not 64 hex digits")
            })?;
        return Ok(SigningKey::from_bytes(&seed));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(cfg)?;
    }
    let mut seed = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(&mut seed[..]);
    let text = Zeroizing::new(format!("{}\n", hex::encode(&seed[..])));
    write_private(path, text.as_bytes()).map_err(cfg)?;
    Ok(SigningKey::from_bytes(&seed))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

impl App {
    /// Opens the stores named by `config` (creating files, schemas and
    /// tables as needed).
    pub async fn open(config: Config) -> Result<Arc<App>> {
        let key = load_or_create_key(&config.board_key_file)?;
        let board_key = BoardPublicKey::from_signing_key(&key);
        let board_cfg = BoardConfig::new(key);
        let (board, store, initiatives): (
            Arc<dyn Store>,
            Arc<dyn ServerStore>,
            Arc<dyn InitiativeStore>,
        ) = match &config.database_url {
            Some(url) => {
                let mut pg = PgConfig::new(url.clone());
                pg.pool_size = config.database_pool;
                if let Some(s) = &config.database_schema {
                    pg = pg.with_schema(s.clone());
                }
                let board = PgStore::connect(pg, board_cfg).await?;
                let store = Arc::new(
                    PgServerStore::connect(
                        url,
                        config.database_schema.as_deref(),
                        config.database_pool,
                    )
                    .await?,
                );
                (Arc::new(board), store.clone(), store)
            }
            None => {
                std::fs::create_dir_all(&config.data_dir).map_err(|e| {
                    ServerError::bad_request(
                        "server.config",
                        format!("{}: {e}", config.data_dir.display()),
                    )
                })?;
                let board =
                    SqliteStore::open(config.data_dir.join("board.sqlite"), board_cfg).await?;
                let store = Arc::new(SqliteServerStore::open(
                    &config.data_dir.join("server.sqlite"),
                )?);
                (Arc::new(board), store.clone(), store)
            }
        };
        let verifier = rayon::ThreadPoolBuilder::new()
            .num_threads(config.verify_threads)
            .thread_name(|i| format!("psephos-verify-{i}"))
            .build()
            .map_err(|e| ServerError::internal(format!("verification pool: {e}")))?;
        let ballots = crate::verify::BatchVerifier::new(config.verify_threads)?;
        let mailer = match &config.smtp_url {
            Some(url) => Some(Mailer::new(url, &config.mail_from)?),
            None => None,
        };
        let limits = RateLimits::new(config.rate_ip, config.rate_credential);
        Ok(Arc::new(App {
            config,
            board,
            board_key,
            store,
            live: Mutex::new(HashMap::new()),
            verifier,
            ballots,
            metrics: Metrics::new(),
            limits,
            mailer,
            initiatives: crate::initiatives::Initiatives::new(initiatives),
        }))
    }

    /// Runs `f` on the verification pool and awaits its result.
    pub async fn on_verifier<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.verifier.spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                .unwrap_or_else(|_| Err(ServerError::internal("verification panicked")));
            let _ = tx.send(r);
        });
        rx.await
            .map_err(|_| ServerError::internal("verification pool stopped"))?
    }
}
