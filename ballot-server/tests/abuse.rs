//! API robustness under abuse (hardening, issue 9 item 3): oversized
//! bodies, slow-loris headers and bodies, malformed UTF-8, duplicate JSON
//! keys, deeply nested JSON, and floods beyond the per-IP, per-connection
//! and per-credential limits. Each abuse comes from 127.0.0.2 and must get
//! a clear 4xx with its stable code (or, for headers that never end, a
//! closed connection); meanwhile a well-behaved client on 127.0.0.1 reads
//! the board and must get every answer, 2xx. Its latencies are printed
//! (p50/p99/max), never asserted.

mod common;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use psephos_crypto::record::manifest::RevotePolicy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const ABUSER: [u8; 4] = [127, 0, 0, 2];

/// Outcomes of an abuse, by "status code" (or "closed").
type Outcomes = BTreeMap<String, usize>;

/// A malformed-input case: name, URL, content type, body, the answers
/// allowed.
type Case<'a> = (&'a str, String, &'a str, Vec<u8>, &'a [&'a str]);

struct Honest {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<(Vec<f64>, Vec<u16>)>,
}

/// A well-behaved client: a board read every 10 ms from 127.0.0.1.
fn honest(base: &str, round: &str) -> Honest {
    let stop = Arc::new(AtomicBool::new(false));
    let http = reqwest::Client::builder()
        .local_address(IpAddr::from([127, 0, 0, 1]))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let urls = [
        format!("{base}/api/v1/rounds/{round}/board/checkpoint"),
        format!("{base}/healthz"),
        format!("{base}/api/v1/rounds/{round}/board/entries?from=0&limit=5"),
    ];
    let s = stop.clone();
    let task = tokio::spawn(async move {
        let (mut lat, mut bad) = (Vec::new(), Vec::new());
        let mut i = 0;
        while !s.load(Ordering::SeqCst) {
            let t = Instant::now();
            match http.get(&urls[i % urls.len()]).send().await {
                Ok(r) if r.status().is_success() => {
                    let _ = r.bytes().await;
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                Ok(r) => bad.push(r.status().as_u16()),
                Err(_) => bad.push(0),
            }
            i += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        (lat, bad)
    });
    Honest { stop, task }
}

impl Honest {
    async fn finish(self, abuse: &str, outcomes: &Outcomes) {
        self.stop.store(true, Ordering::SeqCst);
        let (mut lat, bad) = self.task.await.unwrap();
        lat.sort_by(|a, b| a.total_cmp(b));
        let p = |q: f64| {
            lat.get(((lat.len().max(1) - 1) as f64 * q).round() as usize)
                .copied()
                .unwrap_or(f64::NAN)
        };
        println!(
            "ABUSE {abuse:<22} outcomes {outcomes:?} | honest client: {} answers, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            lat.len(),
            p(0.5),
            p(0.99),
            p(1.0)
        );
        assert!(bad.is_empty(), "{abuse}: the honest client got {bad:?}");
        assert!(
            lat.len() >= 20,
            "{abuse}: the honest client got {} answers",
            lat.len()
        );
    }
}

fn abuser_http() -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(ABUSER))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn abuser_tcp(addr: SocketAddr) -> TcpStream {
    let s = TcpSocket::new_v4().unwrap();
    s.bind(SocketAddr::from((ABUSER, 0))).unwrap();
    s.connect(addr).await.unwrap()
}

/// "413 request.too_large" and the like, or "error" for no answer.
async fn outcome(r: reqwest::Result<reqwest::Response>) -> String {
    match r {
        Ok(r) => {
            let s = r.status().as_u16();
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            format!("{s} {}", v["error"]["code"].as_str().unwrap_or("-"))
        }
        Err(_) => "no answer".into(),
    }
}

/// Reads a raw HTTP answer's status line, or "closed" at EOF with none.
async fn raw_status(s: &mut (impl tokio::io::AsyncRead + Unpin)) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&buf);
    match text.lines().next().and_then(|l| l.split(' ').nth(1)) {
        Some(code) => {
            let c = text
                .split("\"code\":\"")
                .nth(1)
                .and_then(|t| t.split('"').next());
            format!("{code} {}", c.unwrap_or("-"))
        }
        None => "closed".into(),
    }
}

struct World {
    ts: TestServer,
    round: String,
    base: String,
    addr: SocketAddr,
    r: OpenRound,
}

async fn world() -> World {
    let ts = start(Backend::Sqlite, |s| {
        s.header_timeout = Some(2);
        s.body_timeout = Some(2);
        s.max_connections_ip = Some(32);
        s.burst_credential = Some(3.0);
    })
    .await;
    let r = open_round(&ts, small_questions(), 4, RevotePolicy::LastCounts).await;
    World {
        round: r.round().to_string(),
        base: ts.running.url(),
        addr: ts.running.addr,
        ts,
        r,
    }
}

async fn run<F: std::future::Future<Output = Outcomes>>(w: &World, name: &str, abuse: F) {
    let h = honest(&w.base, &w.round);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let o = abuse.await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    h.finish(name, &o).await;
}

fn count(o: &mut Outcomes, k: String) {
    *o.entry(k).or_insert(0) += 1;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abuse_gets_clear_refusals_and_honest_clients_are_served() {
    let w = world().await;
    let http = abuser_http();
    let ballots = format!("{}/api/v1/rounds/{}/ballots", w.base, w.round);
    let create = format!("{}/api/v1/officer/rounds", w.base);
    let token = w.ts.token.clone();

    // Oversized bodies: ballots over 1 MiB, officer JSON over 256 KiB.
    run(&w, "oversized bodies", async {
        let mut o = Outcomes::new();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..16 {
            let (h, url, t) = (
                http.clone(),
                if i % 2 == 0 {
                    ballots.clone()
                } else {
                    create.clone()
                },
                token.clone(),
            );
            let size = if i % 2 == 0 { 3 << 20 } else { 400 << 10 };
            tasks.spawn(async move {
                outcome(
                    h.post(url)
                        .bearer_auth(t)
                        .header("content-type", "application/json")
                        .body(vec![b'['; size])
                        .send()
                        .await,
                )
                .await
            });
        }
        while let Some(r) = tasks.join_next().await {
            count(&mut o, r.unwrap());
        }
        assert_eq!(o.get("413 request.too_large"), Some(&16), "{o:?}");
        o
    })
    .await;

    // Slow-loris: 100 connections trickling headers. 32 (the per-IP cap)
    // are held until the header timeout closes them; the others get 429.
    run(&w, "slow-loris headers", async {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let addr = w.addr;
            tasks.spawn(async move {
                let s = abuser_tcp(addr).await;
                let t = Instant::now();
                let (mut rd, mut wr) = s.into_split();
                let _ = wr
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    .await;
                let trickle = tokio::spawn(async move {
                    for _ in 0..60 {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        if wr.write_all(b"a").await.is_err() {
                            break;
                        }
                    }
                });
                let status = tokio::time::timeout(Duration::from_secs(20), raw_status(&mut rd))
                    .await
                    .unwrap_or_else(|_| "held".into());
                trickle.abort();
                (status, t.elapsed())
            });
        }
        let mut o = Outcomes::new();
        while let Some(r) = tasks.join_next().await {
            let (status, took) = r.unwrap();
            assert!(
                took < Duration::from_secs(15),
                "a slow-loris connection was held {took:?}"
            );
            count(&mut o, status);
        }
        // At most 32 held (fewer if the abuser's earlier connections
        // still count), the rest refused at once, none held past the
        // header timeout.
        let (refused, closed) = (
            o.get("429 rate.connections").copied().unwrap_or(0),
            o.get("closed").copied().unwrap_or(0),
        );
        assert!(
            refused >= 68 && closed <= 32 && refused + closed == 100,
            "{o:?}"
        );
        o
    })
    .await;

    // Slow bodies: the headers arrive, the body trickles: 408.
    run(&w, "slow-loris bodies", async {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (addr, round) = (w.addr, w.round.clone());
            tasks.spawn(async move {
                let mut s = abuser_tcp(addr).await;
                let head = format!("POST /api/v1/rounds/{round}/ballots HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{{");
                s.write_all(head.as_bytes()).await.unwrap();
                let (mut rd, mut wr) = s.into_split();
                let trickle = tokio::spawn(async move {
                    for _ in 0..60 {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        if wr.write_all(b" ").await.is_err() {
                            break;
                        }
                    }
                });
                let mut buf = vec![0u8; 4096];
                let n = tokio::time::timeout(Duration::from_secs(15), rd.read(&mut buf)).await;
                trickle.abort();
                let text = match n {
                    Ok(Ok(n)) => String::from_utf8_lossy(&buf[..n]).to_string(),
                    _ => String::new(),
                };
                let status = text.lines().next().and_then(|l| l.split(' ').nth(1)).unwrap_or("none").to_string();
                let code = text.split("\"code\":\"").nth(1).and_then(|t| t.split('"').next()).unwrap_or("-").to_string();
                format!("{status} {code}")
            });
        }
        let mut o = Outcomes::new();
        while let Some(r) = tasks.join_next().await {
            count(&mut o, r.unwrap());
        }
        assert_eq!(o.get("408 request.timeout"), Some(&16), "{o:?}");
        o
    })
    .await;

    w.ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_gets_clear_refusals_and_honest_clients_are_served() {
    let w = world().await;
    let http = abuser_http();
    let base = w.base.clone();
    let ballots = format!("{base}/api/v1/rounds/{}/ballots", w.round);
    let create = format!("{base}/api/v1/officer/rounds");
    let token = w.ts.token.clone();
    let depth = 100_000;
    let nested_arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let nested_objects = format!("{}1{}", "{\"a\":".repeat(depth / 4), "}".repeat(depth / 4));
    let dup = r#"{"election":"x","election":"y","title":{"en":"a"},"questions":[],"schedule":{"opens_at":1,"closes_at":2},"revote":"last_counts","credential_mode":"server"}"#;
    let cases: Vec<Case> = vec![
        (
            "utf8 officer json",
            create.clone(),
            "application/json",
            b"{\"election\":\"\xff\xfe\"}".to_vec(),
            &["400 request.invalid_json"],
        ),
        (
            "utf8 ballot",
            ballots.clone(),
            "application/json",
            b"{\"version\":\"\xc3\x28\"}".to_vec(),
            &["400 decode.malformed", "422 decode.malformed"],
        ),
        (
            "utf8 roll",
            format!("{base}/api/v1/officer/rounds/{}/roll", w.round),
            "text/csv",
            b"id,email,weight\n\xff,a@b,1\n".to_vec(),
            &["400 roll.encoding", "409 round.wrong_state"],
        ),
        (
            "dup keys officer",
            create.clone(),
            "application/json",
            dup.as_bytes().to_vec(),
            &["400 request.invalid_json"],
        ),
        (
            "dup keys ballot",
            ballots.clone(),
            "application/json",
            br#"{"a":1,"a":1}"#.to_vec(),
            &["400 decode.malformed", "422 decode.malformed"],
        ),
        (
            "deep arrays officer",
            create.clone(),
            "application/json",
            nested_arrays.clone().into_bytes(),
            &["400 request.invalid_json"],
        ),
        (
            "deep objects officer",
            create.clone(),
            "application/json",
            nested_objects.clone().into_bytes(),
            &["400 request.invalid_json"],
        ),
        (
            "deep arrays ballot",
            ballots.clone(),
            "application/json",
            nested_arrays.into_bytes(),
            &["400 decode.malformed", "422 decode.malformed"],
        ),
        (
            "deep objects ballot",
            ballots.clone(),
            "application/json",
            nested_objects.into_bytes(),
            &["400 decode.malformed", "422 decode.malformed"],
        ),
    ];
    for (name, url, ct, body, want) in cases {
        run(&w, name, async {
            let mut o = Outcomes::new();
            for _ in 0..40 {
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", ct)
                    .body(body.clone())
                    .send()
                    .await;
                count(&mut o, outcome(r).await);
            }
            assert!(
                o.keys().all(|k| want.contains(&k.as_str())),
                "{name}: {o:?}"
            );
            o
        })
        .await;
    }
    w.ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_beyond_the_limits_get_429_and_honest_clients_are_served() {
    let w = world().await;
    let http = abuser_http();
    let url = format!("{}/api/v1/rounds/{}/board/checkpoint", w.base, w.round);
    run(&w, "request flood (per IP)", async {
        let mut o = Outcomes::new();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..24 {
            let (h, u) = (http.clone(), url.clone());
            tasks.spawn(async move {
                let mut o = Outcomes::new();
                for _ in 0..125 {
                    count(&mut o, outcome(h.get(&u).send().await).await);
                }
                o
            });
        }
        while let Some(r) = tasks.join_next().await {
            for (k, v) in r.unwrap() {
                *o.entry(k).or_insert(0) += v;
            }
        }
        assert!(
            o.keys().all(|k| k == "200 -" || k == "429 rate.ip"),
            "{o:?}"
        );
        assert!(o.get("429 rate.ip").copied().unwrap_or(0) > 1000, "{o:?}");
        o
    })
    .await;

    // One credential casting beyond its burst (3 here).
    let own: Vec<Vec<u8>> = (0..6)
        .map(|i| {
            w.r.ballot(0, &small_plain(i % 2 == 0, [1, 1, 1]))
                .to_bytes()
        })
        .collect();
    run(&w, "cast flood (credential)", async {
        let mut o = Outcomes::new();
        for b in &own {
            let r = http
                .post(format!("{}/api/v1/rounds/{}/ballots", w.base, w.round))
                .header("content-type", "application/json")
                .body(b.clone())
                .send()
                .await;
            count(&mut o, outcome(r).await);
        }
        assert_eq!(o.get("200 -"), Some(&3), "{o:?}");
        assert_eq!(o.get("429 rate.credential"), Some(&3), "{o:?}");
        o
    })
    .await;
    w.ts.running.stop().await;
}
