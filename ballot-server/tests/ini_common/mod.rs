//! Harness of the initiative tests (tests/initiatives*.rs): a server
//! with an SMTP sink on loopback, members signed in through their mails,
//! and a plain HTTP client that keeps the session cookie and CSRF token.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use crate::common::*;
use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server collecting messages (loopback only).
pub async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let store = mails.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(buf) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(std::mem::take(buf));
                            data = None;
                            let _ = w.write_all(b"250 queued\r\n").await;
                        } else {
                            buf.push_str(&line);
                            buf.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, mails)
}

/// A server with an SMTP sink, and a plain HTTP client.
pub struct Ini {
    pub ts: TestServer,
    pub mails: Arc<Mutex<Vec<String>>>,
    pub http: reqwest::Client,
    pub base: String,
}

/// A member's session: the cookie and the CSRF token.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// An answer: status and JSON body.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("<none>")
    }

    pub fn ok(self) -> Value {
        assert!(self.status < 300, "{} {}", self.status, self.body);
        self.body
    }
}

pub const ROLL: &str = "member_id,email\nm1,m1@example.org\nm2,m2@example.org\n\
                    m3,m3@example.org\nm4,m4@example.org\nm5,m5@example.org\n";

impl Ini {
    pub async fn start(backend: Backend) -> Ini {
        let (port, mails) = smtp_sink().await;
        let ts = start(backend, |s| {
            s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
            s.public_url = Some("https://initiatives.example.org".into());
            if backend == Backend::Postgres {
                s.database_schema = Some(unique("h2_ini"));
            }
        })
        .await;
        let base = format!("{}/api/v1", ts.running.url());
        Ini {
            ts,
            mails,
            http: reqwest::Client::new(),
            base,
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        s: Option<&Session>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let mut rq = self.http.request(method, format!("{}{path}", self.base));
        if let Some(s) = s {
            rq = rq.header(COOKIE, &s.cookie).header("X-CSRF-Token", &s.csrf);
        }
        for (k, v) in extra {
            rq = rq.header(*k, *v);
        }
        if let Some(b) = body {
            rq = rq.json(&b);
        }
        let r = rq.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str, s: Option<&Session>) -> Answer {
        self.send(reqwest::Method::GET, path, None, s, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value, s: Option<&Session>) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body), s, &[])
            .await
    }

    pub async fn officer(&self, method: reqwest::Method, path: &str, body: Value) -> Answer {
        let auth = format!("Bearer {}", self.ts.token);
        self.send(method, path, Some(body), None, &[("Authorization", &auth)])
            .await
    }

    pub async fn setup(&self, threshold: Value, max_body: u64) {
        let s = json!({"areas": [
            {"id": "it", "title": "Digital infrastructure", "threshold": threshold},
            {"id": "policy", "title": "Policy", "threshold": {"share_bp": 5000}}],
            "officer_days": 30, "max_body": max_body});
        self.officer(reqwest::Method::PUT, "/officer/initiatives/settings", s)
            .await
            .ok();
        self.import_roll(ROLL).await;
    }

    pub async fn import_roll(&self, csv: &str) -> Answer {
        let auth = format!("Bearer {}", self.ts.token);
        let r = self
            .http
            .post(format!("{}/officer/initiatives/roll", self.base))
            .header("Authorization", auth)
            .header("Content-Type", "text/csv")
            .body(csv.to_string())
            .send()
            .await
            .unwrap();
        Answer {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            body: r.json().await.unwrap(),
        }
    }

    /// The bodies of the mails to `email`, quoted-printable undone.
    pub fn mails_to(&self, email: &str) -> Vec<String> {
        self.mails
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.contains(&format!("To: {email}")))
            .map(|m| m.replace("=\n", "").replace("=3D", "="))
            .collect()
    }

    pub async fn request_login(&self, email: &str) -> (String, String) {
        let before = self.mails_to(email).len();
        let a = self
            .post("/members/login", json!({"email": email}), None)
            .await;
        assert_eq!(a.status, 202);
        let mails = self.mails_to(email);
        assert_eq!(mails.len(), before + 1, "one sign-in mail");
        let m = mails.last().unwrap();
        let token = m.split("#t=").nth(1).unwrap()[..68].to_string();
        let code = m.split("type this code: ").nth(1).unwrap()[..9].to_string();
        (token, code)
    }

    pub async fn exchange(&self, body: Value) -> Answer {
        self.post("/members/session", body, None).await
    }

    pub fn session_of(a: Answer) -> Session {
        let set = a
            .headers
            .get(SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set.contains(attr), "cookie lacks {attr}: {set}");
        }
        let cookie = set.split(';').next().unwrap().to_string();
        let body = a.ok();
        Session {
            cookie,
            csrf: body["csrf"].as_str().unwrap().to_string(),
        }
    }

    pub async fn sign_in(&self, member: &str) -> Session {
        let (token, _) = self.request_login(&format!("{member}@example.org")).await;
        Self::session_of(self.exchange(json!({"token": token})).await)
    }

    /// Gives the AMV draft of `status` (an initiative's round `round`) a
    /// schedule open now for a day, and runs its 2-of-3 key ceremony.
    pub async fn amv_ceremony(
        &self,
        round: &str,
        status: &Value,
    ) -> psephos_server::demo::drive::Driver {
        use psephos_server::demo::drive::Driver;
        let mut draft: psephos_trustee::wire::RoundDraft =
            serde_json::from_value(status["draft"].clone()).unwrap();
        let now = psephos_server::now();
        draft.schedule.opens_at = now - 60;
        draft.schedule.closes_at = now + 86_400;
        self.ts.officer.update_round(round, &draft).await.unwrap();
        let driver = Driver::attach(&self.ts.officer, round, 3, 2, self.ts.dir.path())
            .await
            .unwrap();
        driver.ceremony().await.unwrap();
        driver
    }

    pub async fn log_record(&self, id: &str) -> Vec<u8> {
        let r = self
            .http
            .get(format!(
                "{}/initiatives/proposals/{id}/log/record",
                self.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.bytes().await.unwrap().to_vec()
    }
}

pub fn proposal(body: &str) -> Value {
    json!({"title": "Upgrade our digital collaboration infrastructure",
           "summary": "An addition, not a substitute, to the current tools.",
           "body": body, "area": "it", "language": "en"})
}

pub const BODY: &str = "# Proposal\n\nThe CC opens a call for a working group.\n\n\
                    - review the IT infrastructure\n- recommend tools\n";

/// A record of `entries` for proposal `id`'s log, signed with the board
/// key (what a dishonest server could serve).
pub fn resign(ini: &Ini, id: &str, entries: &[psephos_board::Entry]) -> Vec<u8> {
    use psephos_board::record::RecordWriter;
    use psephos_board::{Checkpoint, ElectionId, LogEntry, MerkleTree};
    let key =
        psephos_server::app::load_or_create_key(&ini.ts.dir.path().join("board.key")).unwrap();
    let election = ElectionId(psephos_crypto::record::support::log_id(id));
    let mut w = RecordWriter::new(Vec::new(), election, entries.len() as u64).unwrap();
    let mut tree = MerkleTree::new();
    for (i, e) in entries.iter().enumerate() {
        let le = LogEntry {
            index: i as u64,
            entry: e.clone(),
        };
        w.write_entry(&le).unwrap();
        tree.push(le.leaf_hash());
    }
    let cp = Checkpoint {
        election,
        size: entries.len() as u64,
        root: tree.root(),
        time: 1,
    }
    .sign(&key);
    w.write_checkpoint(&cp).unwrap();
    w.finish().unwrap()
}

/// The entries of a log record file, in index order.
pub fn record_entries(record: &[u8]) -> Vec<psephos_board::Entry> {
    String::from_utf8(record.to_vec())
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<psephos_board::LogEntry>(l).ok())
        .map(|le| le.entry)
        .collect()
}

impl Ini {
    /// `member` drafts and publishes `input`; the proposal's id.
    pub async fn publish(&self, s: &Session, input: Value) -> String {
        let v = self
            .post("/initiatives/proposals", input, Some(s))
            .await
            .ok();
        let id = v["id"].as_str().unwrap().to_string();
        self.post(
            &format!("/initiatives/proposals/{id}/publish"),
            json!({}),
            Some(s),
        )
        .await
        .ok();
        id
    }
}
