//! Test harness: a real server on a loopback port over a real store — one
//! SQLite directory, or one fresh PostgreSQL schema per test — and helpers
//! that drive rounds through the HTTP API.
#![allow(dead_code)]

pub mod board_check;
pub mod private_pg;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use psephos_crypto::ballot::{Ballot, BallotStatement, PlainAnswer};
use psephos_crypto::record::manifest::{Question, RevotePolicy, Schedule};
use psephos_server::app::App;
use psephos_server::config::Settings;
use psephos_server::demo::drive::{members, Driver, Voter};
use psephos_server::server::Running;
use psephos_server::service::rounds::text;
use psephos_server::store::TokenKind;
use psephos_trustee::client::{Client, ClientError};
use psephos_trustee::wire::{CredentialMode, RoundDraft};
use rand_core::OsRng;

/// Which real backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests use.
pub fn pg_url() -> String {
    std::env::var("PSEPHOS_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name unique to this process and call, for schemas and rounds.
pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A running test server.
pub struct TestServer {
    pub running: Running,
    pub app: Arc<App>,
    pub officer: Client,
    pub token: String,
    pub anon: Client,
    pub dir: tempfile::TempDir,
    pub settings: Settings,
}

/// Settings for a fresh store of `backend` in `dir`.
pub fn settings(backend: Backend, dir: &std::path::Path) -> Settings {
    let mut s = Settings {
        data_dir: Some(dir.to_path_buf()),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        ..Settings::default()
    };
    if backend == Backend::Postgres {
        s.database_url = Some(pg_url());
        s.database_schema = Some(unique("srv"));
        s.database_pool = Some(8);
    }
    s
}

/// Starts a server; `tweak` adjusts the settings first.
pub async fn start(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(backend, dir.path());
    tweak(&mut s);
    start_with(s, dir).await
}

/// Starts a server with these settings.
pub async fn start_with(s: Settings, dir: tempfile::TempDir) -> TestServer {
    let config = s.clone().resolve().unwrap();
    let listen = config.listen;
    let app = App::open(config).await.unwrap();
    let running = psephos_server::server::start(app.clone(), listen)
        .await
        .unwrap();
    let token = app
        .create_token(TokenKind::Officer, None, None)
        .await
        .unwrap();
    let anon = Client::new(&running.url()).unwrap();
    TestServer {
        officer: anon.with_token(&token),
        token,
        anon,
        app,
        running,
        dir,
        settings: s,
    }
}

/// A draft open from a minute ago for a day.
pub fn draft(id: &str, questions: Vec<Question>, revote: RevotePolicy) -> RoundDraft {
    let now = psephos_server::now();
    RoundDraft {
        election: id.to_string(),
        title: text("Test round"),
        questions,
        schedule: Schedule {
            opens_at: now - 60,
            closes_at: now + 86_400,
        },
        revote,
        credential_mode: CredentialMode::Server,
    }
}

/// A round open for `voters` members (weights `1 + i % 3`), 2-of-3.
pub struct OpenRound {
    pub driver: Driver,
    pub stmt: Arc<BallotStatement>,
    pub voters: Vec<Voter>,
    pub questions: Vec<Question>,
}

pub async fn open_round(
    ts: &TestServer,
    questions: Vec<Question>,
    voters: usize,
    revote: RevotePolicy,
) -> OpenRound {
    let id = unique("r").replace('_', "-");
    let driver = Driver::create(
        &ts.officer,
        draft(&id, questions.clone(), revote),
        3,
        2,
        ts.dir.path(),
    )
    .await
    .unwrap();
    driver.ceremony().await.unwrap();
    let (_, stmt) = driver.freeze().await.unwrap();
    let voters = driver
        .server_credentials(&members(voters, |i| 1 + (i as u64 % 3)))
        .await
        .unwrap();
    driver.step("open").await.unwrap();
    OpenRound {
        driver,
        stmt: Arc::new(stmt),
        voters,
        questions,
    }
}

impl OpenRound {
    /// A signed ballot of voter `i`.
    pub fn ballot(&self, i: usize, plain: &[PlainAnswer]) -> Ballot {
        let key = self.voters[i].code.signing_key(&self.stmt.election_id);
        Ballot::cast(&self.stmt, &key, plain, &mut OsRng).unwrap().0
    }

    pub fn round(&self) -> &str {
        &self.driver.round
    }
}

/// The error code of a failed call.
pub fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> String {
    match r {
        Err(e) => e.code().unwrap_or("<none>").to_string(),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

/// A small question set: yes/no and a 3-option systemic consensus.
pub fn small_questions() -> Vec<Question> {
    use psephos_server::demo::script::ScriptQuestion;
    let yn = ScriptQuestion::new("q1", "yes_no", &["yes", "no", "abstain"]);
    let sc = ScriptQuestion {
        passive_solution: Some("keep".into()),
        max: Some(10),
        ..ScriptQuestion::new("q2", "systemic_consensus", &["keep", "a", "b"])
    };
    vec![yn.question().unwrap(), sc.question().unwrap()]
}

/// Plaintexts for [`small_questions`].
pub fn small_plain(yes: bool, r: [u64; 3]) -> Vec<PlainAnswer> {
    vec![
        PlainAnswer::Linear(if yes { vec![1, 0, 0] } else { vec![0, 1, 0] }),
        PlainAnswer::Linear(r.to_vec()),
    ]
}
