//! Web security (hardening, issue 9 item 4; specs/threats.md T17–T19):
//! every officer route, taken from the served OpenAPI document, refuses
//! requests without an officer token — none, unknown, a trustee token, the
//! officer token in a cookie, in the query or as Basic — before it reads
//! the body, and changes nothing; trustee routes likewise; no route sets
//! or accepts a cookie (so there is no cookie-authenticated form to forge
//! cross-site); and every response — pages, API, errors, 404, 405, 413,
//! 429 — carries the security headers, with HSTS exactly when the public
//! URL is https.

mod common;

use common::*;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_server::store::TokenKind;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// (method, path) of every operation in the served document with `tag`.
async fn operations(base: &str, tag: &str) -> Vec<(Method, String)> {
    let doc: Value = reqwest::get(format!("{base}/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            let tags = op["tags"].as_array().cloned().unwrap_or_default();
            if tags.iter().any(|t| t == tag) {
                out.push((m.to_uppercase().parse().unwrap(), path.clone()));
            }
        }
    }
    out
}

/// A way of (not) presenting a token, the answer it must get.
type AuthCase = (
    &'static str,
    StatusCode,
    &'static str,
    Box<dyn Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder>,
);

fn code_of(v: &Value) -> String {
    v["error"]["code"].as_str().unwrap_or("<none>").to_string()
}

async fn call(
    http: &reqwest::Client,
    m: &Method,
    url: &str,
    f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> (StatusCode, String) {
    let req = http
        .request(m.clone(), url)
        .header("content-type", "application/json")
        .body("{}");
    let resp = f(req).send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    (status, code_of(&v))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_routes_need_an_officer_token() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let base = ts.running.url();
    let r = open_round(&ts, small_questions(), 3, RevotePolicy::LastCounts).await;
    let round = r.round().to_string();
    let trustee = ts
        .app
        .create_token(TokenKind::Trustee, Some(&round), Some(1))
        .await
        .unwrap();
    let unknown = format!("pso_{}", "ab".repeat(32));
    let before = ts.anon.entries(&round, 0, 1000).await.unwrap().size;
    let http = reqwest::Client::new();
    let ops = operations(&base, "officer").await;
    assert!(ops.len() >= 15, "officer operations: {ops:?}");
    for (m, path) in &ops {
        let url = format!("{base}{}", path.replace("{id}", &round));
        let officer = ts.token.clone();
        let cases: Vec<AuthCase> = vec![
            (
                "none",
                StatusCode::UNAUTHORIZED,
                "auth.required",
                Box::new(|r| r),
            ),
            ("unknown", StatusCode::UNAUTHORIZED, "auth.required", {
                let t = unknown.clone();
                Box::new(move |r| r.bearer_auth(&t))
            }),
            ("trustee", StatusCode::FORBIDDEN, "auth.wrong_kind", {
                let t = trustee.clone();
                Box::new(move |r| r.bearer_auth(&t))
            }),
            ("cookie", StatusCode::UNAUTHORIZED, "auth.required", {
                let t = officer.clone();
                Box::new(move |r| r.header("cookie", format!("token={t}; psephos_token={t}")))
            }),
            ("basic", StatusCode::UNAUTHORIZED, "auth.required", {
                let t = officer.clone();
                Box::new(move |r| r.basic_auth("officer", Some(&t)))
            }),
            (
                "lowercase scheme",
                StatusCode::UNAUTHORIZED,
                "auth.required",
                {
                    let t = officer.clone();
                    Box::new(move |r| r.header("authorization", format!("bearer{t}")))
                },
            ),
        ];
        for (what, status, code, f) in cases {
            let (s, c) = call(&http, m, &url, f).await;
            assert_eq!(
                (s, c.as_str()),
                (status, code),
                "{m} {path} with {what} token"
            );
        }
        let with_query = format!("{url}?token={officer}&access_token={officer}");
        let (s, c) = call(&http, m, &with_query, |r| r).await;
        assert_eq!(
            (s, c.as_str()),
            (StatusCode::UNAUTHORIZED, "auth.required"),
            "{m} {path} ?token="
        );
        // The officer token itself passes the gate (a 404 for a round
        // that does not exist, or the route's own refusal of `{}`).
        let nowhere = format!("{base}{}", path.replace("{id}", "no-such-round"));
        let (s, c) = call(&http, m, &nowhere, |r| r.bearer_auth(&ts.token)).await;
        assert!(
            !c.starts_with("auth.")
                && c != "route.not_found"
                && s != StatusCode::METHOD_NOT_ALLOWED,
            "{m} {path} with the officer token: {s} {c}"
        );
    }
    // Nothing any refused request did reached the board or the round.
    assert_eq!(ts.anon.entries(&round, 0, 1000).await.unwrap().size, before);
    let state = serde_json::to_value(ts.anon.round(&round).await.unwrap().state).unwrap();
    assert_eq!(state, "open");
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trustee_routes_need_a_trustee_token() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let base = ts.running.url();
    let http = reqwest::Client::new();
    let ops = operations(&base, "trustee").await;
    assert!(ops.len() >= 6, "trustee operations: {ops:?}");
    let unknown = format!("pst_{}", "cd".repeat(32));
    for (m, path) in &ops {
        let url = format!("{base}{path}");
        let (s, c) = call(&http, m, &url, |r| r).await;
        assert_eq!(
            (s, c.as_str()),
            (StatusCode::UNAUTHORIZED, "auth.required"),
            "{m} {path}"
        );
        let (s, c) = call(&http, m, &url, |r| r.bearer_auth(&unknown)).await;
        assert_eq!(
            (s, c.as_str()),
            (StatusCode::UNAUTHORIZED, "auth.required"),
            "{m} {path}"
        );
        let (s, c) = call(&http, m, &url, |r| r.bearer_auth(&ts.token)).await;
        assert_eq!(
            (s, c.as_str()),
            (StatusCode::FORBIDDEN, "auth.wrong_kind"),
            "{m} {path}"
        );
    }
    ts.running.stop().await;
}

fn check_headers(what: &str, h: &reqwest::header::HeaderMap, hsts: bool) {
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    let csp = get("content-security-policy");
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{what}: CSP {csp:?}"
    );
    assert!(
        csp.contains("default-src 'self'") || csp.contains("default-src 'none'"),
        "{what}: CSP {csp:?}"
    );
    assert!(h.get("set-cookie").is_none(), "{what} sets a cookie");
    let sts = get("strict-transport-security");
    if hsts {
        assert!(
            sts.starts_with("max-age=") && !sts.starts_with("max-age=0"),
            "{what}: HSTS {sts:?}"
        );
    } else {
        assert!(sts.is_empty(), "{what}: HSTS over plain http");
    }
}

/// Requests of every kind of answer; checks each one's headers.
async fn every_kind_of_answer(hsts: bool) {
    let ts = start(Backend::Sqlite, |s| {
        s.burst_ip = Some(400.0);
        if hsts {
            s.public_url = Some("https://vote.example.org".into());
        }
    })
    .await;
    let base = ts.running.url();
    let r = open_round(&ts, small_questions(), 2, RevotePolicy::LastCounts).await;
    let round = r.round().to_string();
    let http = reqwest::Client::new();
    let mut urls: Vec<(Method, String)> = operations(&base, "public")
        .await
        .into_iter()
        .map(|(m, p)| {
            (
                m,
                p.replace("{id}", &round)
                    .replace("{tracking}", &"0".repeat(64)),
            )
        })
        .collect();
    for p in [
        "/",
        "/booth/x",
        "/check/x",
        "/results/x",
        "/console",
        "/bundle",
        "/bundle.json",
        "/SHA256SUMS",
        "/static/booth.js",
        "/static/psephos_booth_bg.wasm",
        "/static/nope.js",
        "/no/such/route",
        "/api/v1/rounds/no-such",
        "/api/v1/rounds/%FF%FE",
        "/api/v1/officer/rounds",
    ] {
        urls.push((Method::GET, p.to_string()));
    }
    urls.push((Method::DELETE, "/healthz".into()));
    urls.push((Method::GET, format!("/api/v1/officer/rounds/{round}")));
    urls.push((Method::POST, format!("/api/v1/rounds/{round}/ballots")));
    let mut statuses = std::collections::BTreeSet::new();
    for (m, p) in &urls {
        let resp = http
            .request(m.clone(), format!("{base}{p}"))
            .send()
            .await
            .unwrap();
        statuses.insert(resp.status().as_u16());
        check_headers(&format!("{m} {p}"), resp.headers(), hsts);
    }
    // 413 and 429.
    // The server answers before the client has written the whole body and
    // then closes: a client still writing may see its write fail instead
    // of the answer (more often behind TLS). Such a try says nothing about
    // the answer, so it is repeated; every answer that arrives is checked.
    let mut answered = None;
    for _ in 0..5 {
        let sent = http
            .post(format!("{base}/api/v1/rounds/{round}/ballots"))
            .header("content-type", "application/json")
            .body(vec![b' '; 2 << 20])
            .send()
            .await;
        if let Ok(resp) = sent {
            answered = Some(resp);
            break;
        }
    }
    let resp = answered.expect("a 413 answer in five tries");
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    check_headers("413", resp.headers(), hsts);
    // The unread rest of the body makes the connection unusable: the server
    // says so, and the client does not send the next request into it.
    assert_eq!(
        resp.headers().get("connection").map(|v| v.as_bytes()),
        Some(&b"close"[..])
    );
    let mut limited = None;
    for _ in 0..1000 {
        let resp = http.get(format!("{base}/healthz")).send().await.unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(resp);
            break;
        }
    }
    let resp = limited.expect("a 429 within 1000 requests");
    check_headers("429", resp.headers(), hsts);
    statuses.insert(429);
    statuses.insert(413);
    for s in [200, 400, 401, 404, 405, 413, 415, 429] {
        assert!(statuses.contains(&s), "no {s} among {statuses:?}");
    }
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_on_every_answer() {
    every_kind_of_answer(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_on_every_answer_behind_tls() {
    every_kind_of_answer(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_path_parameters_are_a_clear_400() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let base = ts.running.url();
    let http = reqwest::Client::new();
    for p in [
        "/api/v1/rounds/%FF",
        "/api/v1/rounds/%C3%28/manifest",
        "/api/v1/rounds/x/ballots/%80",
        "/static/%FF.js",
        "/api/v1/initiatives/proposals/%FF",
        "/api/v1/initiatives/proposals/0/versions/%C2%84",
        "/api/v1/initiatives/proposals/0/versions/x",
    ] {
        let resp = http.get(format!("{base}{p}")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{p}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(code_of(&v), "request.invalid_path", "{p}");
    }
    ts.running.stop().await;
}
