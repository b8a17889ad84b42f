//! Moderation of proposals and amendments over real HTTP, on SQLite and
//! PostgreSQL (specs/initiatives.md §3.5): officers hide with a public
//! reason; the object stays stored and listed as hidden with the reason
//! and time, its texts withheld; a hidden proposal takes no support,
//! amendment or comment, its support log stays public and verifies; every
//! refusal names its code and changes nothing.

mod common;
mod ini_common;

use common::*;
use ini_common::*;
use psephos_verifier::support::{check_support_log, SupportOptions};
use reqwest::Method;
use serde_json::{json, Value};

async fn draft_and_publish(ini: &Ini, s: &Session, area: &str) -> String {
    let mut p = proposal(BODY);
    p["area"] = json!(area);
    let id = ini.post("/initiatives/proposals", p, Some(s)).await.ok()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let page = format!("/initiatives/proposals/{id}");
    ini.post(&format!("{page}/publish"), json!({}), Some(s))
        .await
        .ok();
    id
}

async fn amend(ini: &Ini, page: &str, version: u64, s: &Session) -> String {
    let body = json!({"version": version, "body": format!("{BODY}- v{version}\n"),
                      "rationale": "clearer"});
    ini.post(&format!("{page}/amendments"), body, Some(s))
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn moderation(backend: Backend) {
    let ini = Ini::start(backend).await;
    ini.setup(json!({"absolute": 3}), 99_000).await;
    let mut s = Vec::new();
    for m in ["m1", "m2", "m3", "m4"] {
        s.push(ini.sign_in(m).await);
    }
    let officer = |path: String, body: Value| {
        let ini = &ini;
        async move { ini.officer(Method::POST, &path, body).await }
    };
    let id = draft_and_publish(&ini, &s[0], "it").await;
    let page = format!("/initiatives/proposals/{id}");
    let o = format!("/officer/initiatives/proposals/{id}");
    let a1 = amend(&ini, &page, 1, &s[1]).await;
    let a2 = amend(&ini, &page, 1, &s[2]).await;
    let a3 = amend(&ini, &page, 1, &s[3]).await;

    // Hiding needs an officer, a known object and a reason of 1–2,000
    // characters; a draft is nobody's to moderate.
    let hide_a1 = format!("{o}/amendments/{a1}/hide");
    let r = ini
        .post(&hide_a1, json!({"reason": "insulting"}), Some(&s[1]))
        .await;
    assert_eq!((r.status, r.code()), (401, "auth.required"));
    let r = ini
        .post(&format!("{o}/hide"), json!({"reason": "x"}), Some(&s[1]))
        .await;
    assert_eq!((r.status, r.code()), (401, "auth.required"));
    for bad in [
        json!({"reason": ""}),
        json!({"reason": "  "}),
        json!({"reason": "x".repeat(2_001)}),
    ] {
        assert_eq!(
            officer(hide_a1.clone(), bad.clone()).await.code(),
            "proposal.invalid"
        );
        assert_eq!(
            officer(format!("{o}/hide"), bad).await.code(),
            "proposal.invalid"
        );
    }
    let r = officer(hide_a1.clone(), json!({"reason": "x", "extra": 1})).await;
    assert_eq!(r.code(), "request.invalid_json");
    let r = officer(format!("{o}/hide"), json!({})).await;
    assert_eq!(r.code(), "request.invalid_json");
    let r = officer(
        "/officer/initiatives/proposals/p-0000000000000000/hide".into(),
        json!({"reason": "x"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (404, "proposal.not_found"));
    let r = officer(
        format!("{o}/amendments/a-0000000000000000/hide"),
        json!({"reason": "x"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (404, "amendment.not_found"));
    let draft = ini
        .post("/initiatives/proposals", proposal(BODY), Some(&s[0]))
        .await
        .ok();
    let dpath = format!(
        "/officer/initiatives/proposals/{}/hide",
        draft["id"].as_str().unwrap()
    );
    assert_eq!(
        officer(dpath, json!({"reason": "x"})).await.code(),
        "proposal.not_found"
    );
    let amendments = ini.get(&format!("{page}/amendments"), None).await.ok();
    assert!(amendments
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a.get("hidden").is_none()));

    // A hidden amendment: listed with its reason and time, texts withheld;
    // not accepted, not hidden twice; its author's rejection still works.
    let h = officer(hide_a1.clone(), json!({"reason": "insulting"}))
        .await
        .ok();
    assert_eq!(h["hidden"]["reason"], "insulting");
    assert!(h.get("input").is_none());
    let listed = ini.get(&format!("{page}/amendments"), None).await.ok();
    let l1 = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == a1.as_str())
        .unwrap();
    assert_eq!(l1["hidden"]["reason"], "insulting");
    assert!(l1["hidden"]["at"].as_u64().unwrap() > 0 && l1.get("input").is_none());
    assert_eq!(l1["state"], "open");
    let accept = |a: &str| format!("{page}/amendments/{a}/accept");
    let r = ini.post(&accept(&a1), json!({}), Some(&s[0])).await;
    assert_eq!((r.status, r.code()), (409, "amendment.hidden"));
    let r = officer(hide_a1.clone(), json!({"reason": "again"})).await;
    assert_eq!((r.status, r.code()), (409, "amendment.hidden"));
    assert_eq!(
        ini.get(&format!("{page}/amendments"), None).await.ok()[0]["hidden"]["reason"],
        "insulting"
    );
    // An accepted amendment is a version now: hide the proposal instead.
    assert_eq!(
        ini.post(&accept(&a2), json!({}), Some(&s[0])).await.ok()["made_version"],
        2
    );
    let r = officer(format!("{o}/amendments/{a2}/hide"), json!({"reason": "x"})).await;
    assert_eq!((r.status, r.code()), (409, "amendment.decided"));
    let reject = format!("{page}/amendments/{a1}/reject");
    let r = ini
        .post(&reject, json!({"reason": "moot"}), Some(&s[0]))
        .await
        .ok();
    assert_eq!(r["state"], "rejected");

    // Supports, then the proposal is hidden.
    let support = |i: usize| {
        let (ini, s, page) = (&ini, &s, &page);
        async move {
            ini.post(
                &format!("{page}/support"),
                json!({"version": 2}),
                Some(&s[i]),
            )
            .await
        }
    };
    support(1).await.ok();
    support(2).await.ok();
    let c = ini
        .post(
            &format!("{page}/comments"),
            json!({"body": "hm"}),
            Some(&s[3]),
        )
        .await
        .ok();
    // A comment is hidden once; the first reason stays (§3.4).
    let hide_c = format!("{o}/comments/{}/hide", c["id"].as_str().unwrap());
    officer(hide_c.clone(), json!({"reason": "spam"}))
        .await
        .ok();
    let r = officer(hide_c, json!({"reason": "again"})).await;
    assert_eq!((r.status, r.code()), (409, "comment.hidden"));
    let listed = ini.get(&format!("{page}/comments"), None).await.ok();
    assert_eq!(listed[0]["hidden"]["reason"], "spam");
    assert!(listed[0].get("body").is_none());
    let before = ini.log_record(&id).await;
    let h = officer(format!("{o}/hide"), json!({"reason": "defamatory"}))
        .await
        .ok();
    assert_eq!(h["hidden"]["reason"], "defamatory");
    assert!(h.get("input").is_none() && h.get("html").is_none());
    // Stored and listed, with the moderation, without its texts.
    let view = ini.get(&page, None).await.ok();
    assert_eq!(view["hidden"]["reason"], "defamatory");
    assert!(view.get("input").is_none() && view.get("html").is_none());
    assert_eq!(
        (view["state"].as_str(), view["version"].as_u64()),
        (Some("deliberation"), Some(2))
    );
    assert_eq!(view["support"]["count"], 2);
    let author_view = ini.get(&page, Some(&s[0])).await.ok();
    assert!(author_view.get("input").is_none());
    let list = ini.get("/initiatives/proposals", None).await.ok();
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap();
    assert_eq!(item["hidden"]["reason"], "defamatory");
    assert!(item.get("title").is_none() && item.get("summary").is_none());
    for v in [
        format!("{page}/versions/1"),
        format!("{page}/diff?from=1&to=2"),
    ] {
        let r = ini.get(&v, None).await;
        assert_eq!((r.status, r.code()), (409, "proposal.hidden"), "{v}");
    }
    // No support, amendment, acceptance or comment; nor a second hiding.
    let r = support(3).await;
    assert_eq!((r.status, r.code()), (409, "proposal.hidden"));
    let body = json!({"version": 2, "body": "x\n", "rationale": "y"});
    let r = ini
        .post(&format!("{page}/amendments"), body, Some(&s[3]))
        .await;
    assert_eq!((r.status, r.code()), (409, "proposal.hidden"));
    let r = ini.post(&accept(&a3), json!({}), Some(&s[0])).await;
    assert_eq!((r.status, r.code()), (409, "proposal.hidden"));
    let r = ini
        .post(
            &format!("{page}/comments"),
            json!({"body": "x"}),
            Some(&s[3]),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "proposal.hidden"));
    let r = officer(format!("{o}/hide"), json!({"reason": "again"})).await;
    assert_eq!((r.status, r.code()), (409, "proposal.hidden"));
    assert_eq!(
        ini.get(&page, None).await.ok()["hidden"]["reason"],
        "defamatory"
    );
    // The refusals and the hiding itself appended nothing to the log.
    assert_eq!(ini.log_record(&id).await, before);
    // The log stays public; deliberation already had stays listed.
    for part in [
        "log/entries",
        "log/checkpoint",
        "log/checkpoints",
        "comments",
        "amendments",
    ] {
        assert_eq!(
            ini.get(&format!("{page}/{part}"), None).await.status,
            200,
            "{part}"
        );
    }
    // A supporter may still withdraw their name; the log verifies.
    let w = ini
        .post(&format!("{page}/withdraw"), json!({}), Some(&s[2]))
        .await
        .ok();
    assert_eq!(w["support"]["count"], 1);
    let record = ini.log_record(&id).await;
    assert!(record.len() > before.len());
    let key = ini.ts.app.board_key;
    let report = check_support_log(&record[..], &key, &SupportOptions::default());
    assert!(report.valid, "{}", report.to_text());
    assert_eq!((report.count, report.version, report.frozen), (1, 2, None));

    // A frozen proposal is in its AMV draft: it is declined, not hidden.
    let q = draft_and_publish(&ini, &s[0], "it").await;
    for (i, member) in s.iter().take(3).enumerate() {
        let r = ini
            .post(
                &format!("/initiatives/proposals/{q}/support"),
                json!({"version": 1}),
                Some(member),
            )
            .await
            .ok();
        assert_eq!(r["frozen"], i == 2);
    }
    let r = officer(
        format!("/officer/initiatives/proposals/{q}/hide"),
        json!({"reason": "x"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "proposal.frozen"));
    let view = ini
        .get(&format!("/initiatives/proposals/{q}"), None)
        .await
        .ok();
    assert!(view.get("hidden").is_none() && view["input"]["title"].is_string());
    ini.ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_and_amendments_are_hidden_not_deleted_on_sqlite() {
    moderation(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_and_amendments_are_hidden_not_deleted_on_postgres() {
    moderation(Backend::Postgres).await;
}
