//! Member initiatives' guards over real HTTP, on SQLite and PostgreSQL
//! (specs/initiatives.md §2, §9; threats.md T21–T23): single-use sign-in
//! links and codes, CSRF, every bad input refused with its code while
//! nothing recorded is lost, and tampered support logs caught by the
//! verifier (verification.md §11).

mod common;
mod ini_common;

use common::*;
use ini_common::*;
use psephos_verifier::support::{check_support_log, SupportOptions};
use reqwest::header::ORIGIN;
use serde_json::json;

/// Links and codes are single use; wrong codes lock; mails are capped;
/// sessions need their CSRF header and a same-origin request.
async fn login_flow(backend: Backend) {
    let ini = Ini::start(backend).await;
    ini.setup(json!({"absolute": 2}), 99_000).await;
    // An address not on the roll: the same answer, no mail.
    let a = ini
        .post(
            "/members/login",
            json!({"email": "nobody@example.org"}),
            None,
        )
        .await;
    assert_eq!(a.status, 202);
    assert!(ini.mails_to("nobody@example.org").is_empty());

    let (token, code) = ini.request_login("m1@example.org").await;
    let s1 = Ini::session_of(ini.exchange(json!({"token": token})).await);
    assert_eq!(
        ini.exchange(json!({"token": token})).await.code(),
        "login.invalid"
    );
    // The code of a used login is dead too.
    let r = ini
        .exchange(json!({"email": "m1@example.org", "code": code}))
        .await;
    assert_eq!(r.code(), "login.invalid");

    // A code, typed in lower case without its dash, for another member.
    let (_, code2) = ini.request_login("M2@Example.org").await;
    let typed = code2.replace('-', "").to_lowercase();
    let s2 = Ini::session_of(
        ini.exchange(json!({"email": "m2@example.org", "code": typed}))
            .await,
    );
    let me = ini.get("/members/me", Some(&s2)).await.ok();
    assert_eq!(me["member"], "m2");
    assert!(me["expires_at"].as_u64().unwrap() > psephos_server::now());

    // Five wrong codes kill the address's live logins.
    let (_, code3) = ini.request_login("m3@example.org").await;
    for _ in 0..4 {
        let r = ini
            .exchange(json!({"email": "m3@example.org", "code": "ZZZZ-ZZZZ"}))
            .await;
        assert_eq!(r.code(), "login.invalid");
    }
    let r = ini
        .exchange(json!({"email": "m3@example.org", "code": "ZZZZ-ZZZZ"}))
        .await;
    assert_eq!((r.status, r.code()), (429, "login.locked"));
    let r = ini
        .exchange(json!({"email": "m3@example.org", "code": code3}))
        .await;
    assert_ne!(r.status, 200, "a locked login never opens a session");
    // At most three mails per address per 15 minutes.
    ini.request_login("m4@example.org").await;
    ini.request_login("m4@example.org").await;
    ini.request_login("m4@example.org").await;
    ini.post("/members/login", json!({"email": "m4@example.org"}), None)
        .await;
    assert_eq!(ini.mails_to("m4@example.org").len(), 3);
    // Neither token nor code: a malformed request.
    assert_eq!(ini.exchange(json!({})).await.code(), "request.invalid_json");
    assert_eq!(
        ini.exchange(json!({"token": "psl_00"})).await.code(),
        "login.invalid"
    );

    // CSRF: no header, a wrong one, a foreign origin; no cookie at all.
    let p = proposal(BODY);
    let bare = Session {
        csrf: String::new(),
        ..s1.clone()
    };
    let r = ini
        .post("/initiatives/proposals", p.clone(), Some(&bare))
        .await;
    assert_eq!((r.status, r.code()), (403, "auth.csrf"));
    let wrong = Session {
        csrf: s2.csrf.clone(),
        ..s1.clone()
    };
    assert_eq!(
        ini.post("/initiatives/proposals", p.clone(), Some(&wrong))
            .await
            .code(),
        "auth.csrf"
    );
    let foreign = ini
        .send(
            reqwest::Method::POST,
            "/initiatives/proposals",
            Some(p.clone()),
            Some(&s1),
            &[(ORIGIN.as_str(), "https://evil.example")],
        )
        .await;
    assert_eq!(foreign.code(), "auth.csrf");
    let same = ini
        .send(
            reqwest::Method::POST,
            "/initiatives/proposals",
            Some(p.clone()),
            Some(&s1),
            &[(ORIGIN.as_str(), "https://initiatives.example.org")],
        )
        .await;
    assert_eq!(same.status, 201);
    let r = ini.post("/initiatives/proposals", p.clone(), None).await;
    assert_eq!((r.status, r.code()), (401, "auth.member_required"));
    // Logout revokes the session.
    ini.post("/members/logout", json!({}), Some(&s1)).await.ok();
    assert_eq!(
        ini.get("/members/me", Some(&s1)).await.code(),
        "auth.member_required"
    );
    ini.ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_is_single_use_and_sessions_are_guarded_on_sqlite() {
    login_flow(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_is_single_use_and_sessions_are_guarded_on_postgres() {
    login_flow(Backend::Postgres).await;
}

/// Every bad input of the issue is refused with its code, and the support
/// log and the proposal are exactly as before each refusal.
async fn bad_inputs(backend: Backend) {
    let ini = Ini::start(backend).await;
    // Bad settings change nothing.
    let bad = json!({"areas": [{"id": "IT!", "title": "x", "threshold": {"absolute": 1}}]});
    let r = ini
        .officer(reqwest::Method::PUT, "/officer/initiatives/settings", bad)
        .await;
    assert_eq!(r.code(), "initiatives.settings");
    let r = ini
        .import_roll("member_id,email\nm1,not-an-address\n")
        .await;
    assert_eq!(r.body["error"]["code"], "roll.bad_lines");
    ini.setup(json!({"absolute": 2}), 2_000).await;
    let s1 = ini.sign_in("m1").await;
    let s2 = ini.sign_in("m2").await;

    // A proposal over the size limit, malicious Markdown, an unknown area.
    let big = "x".repeat(2_001);
    let r = ini
        .post("/initiatives/proposals", proposal(&big), Some(&s1))
        .await;
    assert_eq!((r.status, r.code()), (413, "proposal.too_large"));
    let evil = "Hello\n\n<script>fetch('/steal')</script>\n";
    let r = ini
        .post("/initiatives/proposals", proposal(evil), Some(&s1))
        .await;
    assert_eq!((r.status, r.code()), (422, "proposal.markdown"));
    let inline = "click <a href=\"javascript:x\">here</a>";
    assert_eq!(
        ini.post("/initiatives/proposals", proposal(inline), Some(&s1))
            .await
            .code(),
        "proposal.markdown"
    );
    let mut other = proposal(BODY);
    other["area"] = json!("space");
    assert_eq!(
        ini.post("/initiatives/proposals", other, Some(&s1))
            .await
            .code(),
        "area.unknown"
    );
    let mut extra = proposal(BODY);
    extra["html"] = json!("<b>");
    assert_eq!(
        ini.post("/initiatives/proposals", extra, Some(&s1))
            .await
            .code(),
        "request.invalid_json"
    );
    // Links to javascript: are neutralised in what is rendered.
    let linked = "[x](javascript:alert(1)) and [y](https://ok.example)";
    let v = ini
        .post("/initiatives/proposals", proposal(linked), Some(&s1))
        .await
        .ok();
    let html = v["html"].as_str().unwrap();
    assert!(
        !html.contains("javascript:") && html.contains("https://ok.example"),
        "{html}"
    );

    let id = v["id"].as_str().unwrap().to_string();
    let page = format!("/initiatives/proposals/{id}");
    assert_eq!(
        ini.post(&format!("{page}/publish"), json!({}), Some(&s2))
            .await
            .code(),
        "proposal.not_found"
    );
    ini.post(&format!("{page}/publish"), json!({}), Some(&s1))
        .await
        .ok();
    assert_eq!(
        ini.post(&format!("{page}/publish"), json!({}), Some(&s1))
            .await
            .code(),
        "proposal.wrong_state"
    );
    ini.post(&format!("{page}/support"), json!({"version": 1}), Some(&s1))
        .await
        .ok();

    // A member removed from the roll makes no new support, whatever
    // session they still hold (§5.2).
    let s5 = ini.sign_in("m5").await;
    let roll = ROLL.replace("m5,m5@example.org\n", "m6,m6@example.org\n");
    ini.import_roll(&roll).await.ok();
    let before = ini.log_record(&id).await;
    let r = ini
        .post(&format!("{page}/support"), json!({"version": 1}), Some(&s5))
        .await;
    assert_eq!((r.status, r.code()), (422, "member.unknown"));
    // A second support by the same member; a version that does not exist.
    let r = ini
        .post(&format!("{page}/support"), json!({"version": 1}), Some(&s1))
        .await;
    assert_eq!((r.status, r.code()), (409, "support.duplicate"));
    let r = ini
        .post(&format!("{page}/support"), json!({"version": 9}), Some(&s2))
        .await;
    assert_eq!(r.code(), "version.not_found");
    let r = ini
        .post(
            &format!("{page}/support"),
            json!({"version": "1"}),
            Some(&s2),
        )
        .await;
    assert_eq!(r.code(), "request.invalid_json");
    // Nothing recorded was lost or added by the refusals.
    assert_eq!(ini.log_record(&id).await, before);
    let view = ini.get(&page, None).await.ok();
    assert_eq!(view["support"]["count"], 1);

    // The threshold, then support after freezing.
    let r = ini
        .post(&format!("{page}/support"), json!({"version": 1}), Some(&s2))
        .await
        .ok();
    assert_eq!(r["frozen"], true);
    let frozen = ini.log_record(&id).await;
    let s3 = ini.sign_in("m3").await;
    let r = ini
        .post(&format!("{page}/support"), json!({"version": 1}), Some(&s3))
        .await;
    assert_eq!((r.status, r.code()), (409, "proposal.frozen"));
    assert_eq!(ini.log_record(&id).await, frozen);
    let report = check_support_log(
        &frozen[..],
        &ini.ts.app.board_key,
        &SupportOptions::default(),
    );
    assert!(report.valid, "{}", report.to_text());
    assert_eq!(report.count, 2);
    ini.ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_are_refused_and_nothing_is_lost_on_sqlite() {
    bad_inputs(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_are_refused_and_nothing_is_lost_on_postgres() {
    bad_inputs(Backend::Postgres).await;
}

/// The verifier catches a tampered support log even when the tampering
/// is re-signed with the board key (a dishonest server).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_log_verifies_and_tampering_is_caught() {
    let ini = Ini::start(Backend::Sqlite).await;
    ini.setup(json!({"absolute": 3}), 99_000).await;
    let s1 = ini.sign_in("m1").await;
    let s2 = ini.sign_in("m2").await;
    let v = ini
        .post("/initiatives/proposals", proposal(BODY), Some(&s1))
        .await
        .ok();
    let id = v["id"].as_str().unwrap().to_string();
    let page = format!("/initiatives/proposals/{id}");
    ini.post(&format!("{page}/publish"), json!({}), Some(&s1))
        .await
        .ok();
    for s in [&s1, &s2] {
        ini.post(&format!("{page}/support"), json!({"version": 1}), Some(s))
            .await
            .ok();
    }
    let record = ini.log_record(&id).await;
    let key = ini.ts.app.board_key;
    assert!(check_support_log(&record[..], &key, &SupportOptions::default()).valid);

    // Re-sign a log in which m2's support is replaced by a second one of m1.
    let text = String::from_utf8(record.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let entries: Vec<psephos_board::Entry> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<psephos_board::LogEntry>(l).ok())
        .map(|le| le.entry)
        .collect();
    let last = entries.last().unwrap();
    let forged_payload = String::from_utf8(last.payload().to_vec())
        .unwrap()
        .replace("\"m2\"", "\"m1\"")
        .replace("\"seq\":1", "\"seq\":2");
    let mut forged = entries.clone();
    *forged.last_mut().unwrap() =
        psephos_board::Entry::new(last.kind(), forged_payload.as_bytes()).unwrap();
    let resigned = resign(&ini, &id, &forged);
    let report = check_support_log(&resigned[..], &key, &SupportOptions::default());
    assert!(!report.valid);
    assert_eq!(report.failures[0].step, "11.5");
    assert_eq!(
        report.failures[0].code.as_deref(),
        Some("support.duplicate")
    );
    // A member off the roll.
    let off = String::from_utf8(last.payload().to_vec())
        .unwrap()
        .replace("\"m2\"", "\"zz\"");
    *forged.last_mut().unwrap() = psephos_board::Entry::new(last.kind(), off.as_bytes()).unwrap();
    let report = check_support_log(&resign(&ini, &id, &forged)[..], &key, &Default::default());
    assert_eq!(report.failures[0].code.as_deref(), Some("member.unknown"));
    // A bit flipped without re-signing breaks 11.1.
    let flipped = text.replacen("\"m2\"", "\"m3\"", 1);
    let hexed = flipped != text;
    let report = check_support_log(flipped.as_bytes(), &key, &Default::default());
    assert!(!hexed || !report.valid);
    let mut cut = record.clone();
    cut.truncate(record.len() - 10);
    let report = check_support_log(&cut[..], &key, &Default::default());
    assert_eq!(report.failures[0].step, "11.1");
    ini.ts.running.stop().await;
}
