//! Casting over real HTTP: receipts, byte-identical resubmission, replays
//! into other rounds, other questions, after close, audited ballots,
//! revotes, the `once` policy, strict input, body and rate limits, and the
//! edge (headers, health, metrics, OpenAPI).

mod common;

use common::*;
use psephos_crypto::ballot::Ballot;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::{AuditedBallot, ElectionResult};
use psephos_trustee::wire::TransitionRequest;
use rand_core::OsRng;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_replays_and_closed_rounds() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let a = open_round(&ts, small_questions(), 3, RevotePolicy::LastCounts).await;
    let b = open_round(&ts, small_questions(), 3, RevotePolicy::LastCounts).await;
    let c = &ts.anon;

    let bytes = a.ballot(0, &small_plain(true, [0, 5, 10])).to_bytes();
    let first = c.cast(a.round(), bytes.clone()).await.unwrap();
    let again = c.cast(a.round(), bytes.clone()).await.unwrap();
    assert_eq!(
        first, again,
        "a byte-identical resubmission returns the same receipt"
    );
    let looked = c.lookup(a.round(), &first.tracking_code).await.unwrap();
    assert_eq!(looked.receipt.index, first.receipt.index);

    // The same ballot replayed into another round is for another election.
    assert_eq!(
        code(c.cast(b.round(), bytes.clone()).await),
        "ballot.wrong_election"
    );
    // A ballot for other questions (a manifest with another question set).
    let other = open_round(
        &ts,
        psephos_server::demo::questions::demo_questions(),
        1,
        RevotePolicy::LastCounts,
    )
    .await;
    let foreign = other
        .ballot(
            0,
            &psephos_server::demo::questions::random_ballot(&other.questions, &mut OsRng),
        )
        .to_bytes();
    assert_eq!(
        code(c.cast(a.round(), foreign).await),
        "ballot.wrong_election"
    );
    // Not canonical: whitespace added.
    let mut spaced = bytes.clone();
    spaced.insert(1, b' ');
    assert_eq!(code(c.cast(a.round(), spaced).await), "decode.malformed");
    // A tampered ballot fails verification.
    let mut ballot: Ballot = serde_json::from_slice(&bytes).unwrap();
    ballot.body.answers.swap(0, 1);
    assert_eq!(
        code(c.cast(a.round(), ballot.to_bytes()).await),
        "ballot.shape"
    );
    // A credential of round b signing for round a's election is not on a's list.
    let kb = b.voters[0].code.signing_key(&a.stmt.election_id);
    let (stranger, _) =
        Ballot::cast(&a.stmt, &kb, &small_plain(false, [1, 1, 1]), &mut OsRng).unwrap();
    assert_eq!(
        code(c.cast(a.round(), stranger.to_bytes()).await),
        "credential.unknown"
    );

    // After close: a new ballot is refused, the already-cast one still
    // returns its receipt.
    let late = a.ballot(1, &small_plain(false, [3, 3, 3])).to_bytes();
    a.driver.step("close").await.unwrap();
    assert_eq!(code(c.cast(a.round(), late).await), "round.closed");
    assert_eq!(c.cast(a.round(), bytes).await.unwrap(), first);
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revote_counts_once_and_audits_never() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let r = open_round(&ts, small_questions(), 2, RevotePolicy::LastCounts).await;
    let c = &ts.anon;
    // Voter 0 votes yes, then no: only "no" counts.
    c.cast(
        r.round(),
        r.ballot(0, &small_plain(true, [0, 0, 0])).to_bytes(),
    )
    .await
    .unwrap();
    c.cast(
        r.round(),
        r.ballot(0, &small_plain(false, [10, 10, 10])).to_bytes(),
    )
    .await
    .unwrap();
    // Voter 1 audits a yes ballot; its bytes can then never be cast.
    let key = r.voters[1].code.signing_key(&r.stmt.election_id);
    let (b, openings) =
        Ballot::cast(&r.stmt, &key, &small_plain(true, [1, 2, 3]), &mut OsRng).unwrap();
    let ballot_bytes = b.to_bytes();
    let audited = serde_json::to_vec(&AuditedBallot::new(b, openings)).unwrap();
    let rc = c.audit(r.round(), audited.clone()).await.unwrap();
    assert_eq!(rc, c.audit(r.round(), audited).await.unwrap());
    assert_eq!(
        code(c.cast(r.round(), ballot_bytes).await),
        "ballot.audited"
    );
    // A cast ballot cannot be audited afterwards.
    let (b2, o2) = Ballot::cast(&r.stmt, &key, &small_plain(false, [4, 4, 4]), &mut OsRng).unwrap();
    c.cast(r.round(), b2.to_bytes()).await.unwrap();
    let late_audit = serde_json::to_vec(&AuditedBallot::new(b2, o2)).unwrap();
    assert_eq!(
        code(c.audit(r.round(), late_audit).await),
        "ballot.already_cast"
    );

    r.driver.finish(&[2, 3]).await.unwrap();
    let result: ElectionResult =
        serde_json::from_slice(&c.result_bytes(r.round()).await.unwrap()).unwrap();
    assert_eq!(result.ballots, 2);
    let w0 = r.voters[0].member.weight;
    let w1 = r.voters[1].member.weight;
    assert_eq!(result.questions[0].totals, vec![0, w0 + w1, 0]);
    assert_eq!(
        result.questions[1].totals,
        vec![10 * w0 + 4 * w1, 10 * w0 + 4 * w1, 10 * w0 + 4 * w1]
    );
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_policy_refuses_a_second_ballot() {
    let ts = start(Backend::Postgres, |_| {}).await;
    let r = open_round(&ts, small_questions(), 1, RevotePolicy::Once).await;
    let first = r.ballot(0, &small_plain(true, [0, 0, 0])).to_bytes();
    let rc = ts.anon.cast(r.round(), first.clone()).await.unwrap();
    assert_eq!(ts.anon.cast(r.round(), first).await.unwrap(), rc);
    let second = r.ballot(0, &small_plain(false, [0, 0, 0])).to_bytes();
    assert_eq!(
        code(ts.anon.cast(r.round(), second).await),
        "ballot.revote_refused"
    );
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_input_and_limits() {
    let ts = start(Backend::Sqlite, |s| {
        s.max_ballot = Some(64 * 1024);
        s.rate_credential = Some(0.001);
        s.burst_credential = Some(2.0);
    })
    .await;
    let r = open_round(&ts, small_questions(), 1, RevotePolicy::LastCounts).await;
    let c = &ts.anon;
    let http = reqwest::Client::new();
    let base = ts.running.url();

    // Body over the limit: 413 with a code.
    let big = vec![b'{'; 70 * 1024];
    let e = c
        .post_raw(
            &format!("/rounds/{}/ballots", r.round()),
            "application/json",
            big,
        )
        .await;
    assert_eq!(code(e), "request.too_large");
    // Wrong content type.
    let e = c
        .post_raw(
            &format!("/rounds/{}/ballots", r.round()),
            "text/plain",
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(code(e), "request.content_type");
    // Duplicate keys in a map of an officer body, unknown fields.
    let dup = br#"{"election":"x","title":{"en":"a","en":"b"},"questions":[],"schedule":{"opens_at":1,"closes_at":2}}"#;
    let resp = http
        .post(format!("{base}/api/v1/officer/rounds"))
        .bearer_auth(&ts.token)
        .header("content-type", "application/json")
        .body(dup.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "request.invalid_json");
    let unknown = br#"{"trustees":3,"threshold":2,"extra":1}"#;
    let resp = http
        .post(format!(
            "{base}/api/v1/officer/rounds/{}/ceremony",
            r.round()
        ))
        .bearer_auth(&ts.token)
        .header("content-type", "application/json")
        .body(unknown.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);

    // Tokens: none, unknown, and a trustee token on an officer route.
    assert_eq!(
        code(
            c.create_round(&draft("x1", small_questions(), RevotePolicy::LastCounts))
                .await
        ),
        "auth.required"
    );
    let trustee = &r.driver.trustees[0].client;
    assert_eq!(
        code(
            trustee
                .create_round(&draft("x2", small_questions(), RevotePolicy::LastCounts))
                .await
        ),
        "auth.wrong_kind"
    );
    assert_eq!(code(ts.officer.ceremony().await), "auth.wrong_kind");

    // Per-credential rate limit: a burst of 2, then 429.
    let mut codes = Vec::new();
    for i in 0..3u64 {
        let b = r.ballot(0, &small_plain(true, [i, 0, 0])).to_bytes();
        codes.push(match c.cast(r.round(), b).await {
            Ok(_) => "ok".to_string(),
            Err(e) => e.code().unwrap_or("?").to_string(),
        });
    }
    assert_eq!(codes, ["ok", "ok", "rate.credential"]);

    // Edge: security headers, health, metrics with the rejection counted,
    // the OpenAPI document, JSON 404.
    let resp = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.headers()["referrer-policy"], "no-referrer");
    assert_eq!(resp.headers()["x-frame-options"], "DENY");
    assert!(resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
    let metrics = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("psephos_casts_total 2"));
    assert!(metrics.contains("psephos_rejections_total{code=\"rate.credential\"} 1"));
    assert!(metrics.contains("psephos_verify_seconds_bucket"));
    let api: serde_json::Value = http
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(api["paths"]["/api/v1/rounds/{id}/ballots"]["post"].is_object());
    let resp = http.get(format!("{base}/nope")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "route.not_found");
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_ip_rate_limit() {
    let ts = start(Backend::Sqlite, |s| {
        s.rate_ip = Some(0.01);
        s.burst_ip = Some(5.0);
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(match ts.anon.rounds().await {
            Ok(_) => 200,
            Err(e) => e.status().unwrap_or(0),
        });
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429]);
    assert_eq!(code(ts.anon.rounds().await), "rate.ip");
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transition_reason_is_on_the_board() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let r = open_round(&ts, small_questions(), 1, RevotePolicy::LastCounts).await;
    ts.officer
        .transition(
            r.round(),
            "close",
            &TransitionRequest {
                reason: Some("early close by the board".into()),
            },
        )
        .await
        .unwrap();
    let page = ts.anon.entries(r.round(), 0, 100).await.unwrap();
    let last = page.entries.last().unwrap();
    assert_eq!(last.entry.kind(), "transition");
    let v: serde_json::Value = serde_json::from_slice(last.entry.payload()).unwrap();
    assert_eq!(v["transition"], "close");
    assert_eq!(v["reason"], "early close by the board");
    ts.running.stop().await;
}
