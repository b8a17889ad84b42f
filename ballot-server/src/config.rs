//! Configuration (specs/server-api.md §10): command-line flags, then
//! environment variables, then an optional TOML file (`--config`), then the
//! documented defaults. `--database-url` / `DATABASE_URL` selects
//! PostgreSQL; without it the server uses SQLite files in `--data-dir`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

use crate::error::{Result, ServerError};

/// Every setting, each optional so that flags, environment and file merge.
#[derive(Args, Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// TOML file with any of these settings (keys as the long flags, with
    /// `_` for `-`).
    #[arg(long, env = "PSEPHOS_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "PSEPHOS_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory of the SQLite files and the board key [default: ./psephos-data].
    #[arg(long, env = "PSEPHOS_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL; without it the embedded SQLite store is used.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// PostgreSQL schema to use (created if absent) [default: public].
    #[arg(long, env = "PSEPHOS_DATABASE_SCHEMA")]
    pub database_schema: Option<String>,
    /// The board's Ed25519 key file (hex seed; created if absent)
    /// [default: DATA_DIR/board.key]. Processes sharing a database share it.
    #[arg(long, env = "PSEPHOS_BOARD_KEY_FILE")]
    pub board_key_file: Option<PathBuf>,
    /// Public base URL for booth links [default: http://LISTEN].
    #[arg(long, env = "PSEPHOS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server URL for credential mails (`smtp://host:port`, `smtps://…`);
    /// no mail is sent without it.
    #[arg(long, env = "PSEPHOS_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of credential mails [default: Psephos <psephos@localhost>].
    #[arg(long, env = "PSEPHOS_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Largest JSON request body, bytes [default: 262144].
    #[arg(long, env = "PSEPHOS_MAX_BODY")]
    pub max_body: Option<usize>,
    /// Largest ballot or roll body, bytes [default: 1048576].
    #[arg(long, env = "PSEPHOS_MAX_BALLOT")]
    pub max_ballot: Option<usize>,
    /// Requests per second allowed per client IP, sustained [default: 200].
    #[arg(long, env = "PSEPHOS_RATE_IP")]
    pub rate_ip: Option<f64>,
    /// Burst allowed per client IP [default: 400].
    #[arg(long, env = "PSEPHOS_BURST_IP")]
    pub burst_ip: Option<f64>,
    /// Casts per minute allowed per credential, sustained [default: 6].
    #[arg(long, env = "PSEPHOS_RATE_CREDENTIAL")]
    pub rate_credential: Option<f64>,
    /// Burst of casts per credential [default: 10].
    #[arg(long, env = "PSEPHOS_BURST_CREDENTIAL")]
    pub burst_credential: Option<f64>,
    /// Threads verifying ballots [default: number of cores].
    #[arg(long, env = "PSEPHOS_VERIFY_THREADS")]
    pub verify_threads: Option<usize>,
    /// Connections per PostgreSQL pool [default: 16].
    #[arg(long, env = "PSEPHOS_DATABASE_POOL")]
    pub database_pool: Option<usize>,
    /// Seconds a client may take to send a request's headers; the
    /// connection is closed after that (slow-loris) [default: 20].
    #[arg(long, env = "PSEPHOS_HEADER_TIMEOUT")]
    pub header_timeout: Option<u64>,
    /// Seconds a client may take to send a request's body
    /// (`request.timeout`, 408) [default: 30].
    #[arg(long, env = "PSEPHOS_BODY_TIMEOUT")]
    pub body_timeout: Option<u64>,
    /// Open connections allowed per client IP; one more is answered
    /// `rate.connections` (429) and closed [default: 64].
    #[arg(long, env = "PSEPHOS_MAX_CONNECTIONS_IP")]
    pub max_connections_ip: Option<usize>,
}

/// The resolved configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Listen address.
    pub listen: SocketAddr,
    /// Data directory.
    pub data_dir: PathBuf,
    /// PostgreSQL URL, if any.
    pub database_url: Option<String>,
    /// PostgreSQL schema.
    pub database_schema: Option<String>,
    /// Board key file.
    pub board_key_file: PathBuf,
    /// Public base URL.
    pub public_url: String,
    /// SMTP URL.
    pub smtp_url: Option<String>,
    /// Mail sender.
    pub mail_from: String,
    /// JSON body limit.
    pub max_body: usize,
    /// Ballot and roll body limit.
    pub max_ballot: usize,
    /// Per-IP rate (per second) and burst.
    pub rate_ip: (f64, f64),
    /// Per-credential rate (per minute) and burst.
    pub rate_credential: (f64, f64),
    /// Verification threads.
    pub verify_threads: usize,
    /// PostgreSQL pool size.
    pub database_pool: usize,
    /// Time allowed for a request's headers.
    pub header_timeout: std::time::Duration,
    /// Time allowed for a request's body.
    pub body_timeout: std::time::Duration,
    /// Open connections per client IP.
    pub max_connections_ip: usize,
}

impl Config {
    /// Whether clients reach the server over TLS (a terminating proxy):
    /// the public URL is `https://…`. Responses then carry HSTS.
    pub fn behind_tls(&self) -> bool {
        self.public_url
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    }
}

fn merge<T>(a: Option<T>, b: Option<T>) -> Option<T> {
    a.or(b)
}

impl Settings {
    /// Reads `path` as TOML settings.
    pub fn from_file(path: &Path) -> Result<Settings> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ServerError::bad_request("server.config", format!("{}: {e}", path.display()))
        })?;
        toml::from_str(&text).map_err(|e| {
            ServerError::bad_request("server.config", format!("{}: {e}", path.display()))
        })
    }

    /// Flags and environment first, then the file, then defaults.
    pub fn resolve(self) -> Result<Config> {
        let file = match &self.config {
            Some(p) => Settings::from_file(p)?,
            None => Settings::default(),
        };
        let listen = merge(self.listen, file.listen)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let data_dir =
            merge(self.data_dir, file.data_dir).unwrap_or_else(|| PathBuf::from("psephos-data"));
        let board_key_file = merge(self.board_key_file, file.board_key_file)
            .unwrap_or_else(|| data_dir.join("board.key"));
        let public_url =
            merge(self.public_url, file.public_url).unwrap_or_else(|| format!("http://{listen}"));
        let rate_ip = (
            merge(self.rate_ip, file.rate_ip).unwrap_or(200.0),
            merge(self.burst_ip, file.burst_ip).unwrap_or(400.0),
        );
        let rate_credential = (
            merge(self.rate_credential, file.rate_credential).unwrap_or(6.0),
            merge(self.burst_credential, file.burst_credential).unwrap_or(10.0),
        );
        if rate_ip.0 <= 0.0
            || rate_ip.1 < 1.0
            || rate_credential.0 <= 0.0
            || rate_credential.1 < 1.0
        {
            return Err(ServerError::bad_request(
                "server.config",
                "rates must be positive and bursts at least 1",
            ));
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Config {
            listen,
            data_dir,
            database_url: merge(self.database_url, file.database_url),
            database_schema: merge(self.database_schema, file.database_schema),
            board_key_file,
            public_url,
            smtp_url: merge(self.smtp_url, file.smtp_url),
            mail_from: merge(self.mail_from, file.mail_from)
                .unwrap_or_else(|| "Psephos <psephos@localhost>".into()),
            max_body: merge(self.max_body, file.max_body).unwrap_or(256 * 1024),
            max_ballot: merge(self.max_ballot, file.max_ballot).unwrap_or(1 << 20),
            rate_ip,
            rate_credential,
            verify_threads: merge(self.verify_threads, file.verify_threads)
                .unwrap_or(cores)
                .max(1),
            database_pool: merge(self.database_pool, file.database_pool).unwrap_or(16),
            header_timeout: std::time::Duration::from_secs(
                merge(self.header_timeout, file.header_timeout)
                    .unwrap_or(20)
                    .max(1),
            ),
            body_timeout: std::time::Duration::from_secs(
                merge(self.body_timeout, file.body_timeout)
                    .unwrap_or(30)
                    .max(1),
            ),
            max_connections_ip: merge(self.max_connections_ip, file.max_connections_ip)
                .unwrap_or(64)
                .max(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_file_and_defaults_fill_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9999\"\nmax_body = 1000\nsmtp_url = \"smtp://127.0.0.1:2525\"\n",
        )
        .unwrap();
        let s = Settings {
            config: Some(path.clone()),
            max_body: Some(5),
            ..Settings::default()
        };
        let c = s.resolve().unwrap();
        assert_eq!(c.listen.port(), 9999);
        assert_eq!(c.max_body, 5);
        assert_eq!(c.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
        assert_eq!(c.max_ballot, 1 << 20);
        assert_eq!(c.public_url, "http://127.0.0.1:9999");
        std::fs::write(&path, "no_such_key = 1\n").unwrap();
        let s = Settings {
            config: Some(path),
            ..Settings::default()
        };
        assert_eq!(s.resolve().unwrap_err().code, "server.config");
    }
}
