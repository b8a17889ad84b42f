//! Supporters of an older version are told (specs/initiatives.md §5.3):
//! when the author accepts an amendment, every member whose standing
//! support names an older version gets a mail through the SMTP sink with
//! the proposal's page; members without such a support get none.

mod common;
mod ini_common;

use std::time::Duration;

use common::*;
use ini_common::*;
use serde_json::json;

const NOTICE: &str = "no longer counts";

/// The notices to `email` about version `v`, waiting up to 10 s for them
/// to reach `n` (they are sent by a task of their own).
async fn notices(ini: &Ini, email: &str, v: u64, n: usize) -> Vec<String> {
    let subject = format!("has a new version {v}");
    for _ in 0..100 {
        let got: Vec<String> = ini
            .mails_to(email)
            .into_iter()
            .filter(|m| m.contains(&subject) && m.contains(NOTICE))
            .collect();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Vec::new()
}

async fn notify(backend: Backend) {
    let ini = Ini::start(backend).await;
    ini.setup(json!({"absolute": 4}), 99_000).await;
    let s: Vec<Session> = {
        let mut v = Vec::new();
        for m in ["m1", "m2", "m3", "m4"] {
            v.push(ini.sign_in(m).await);
        }
        v
    };
    let id = ini.publish(&s[0], proposal(BODY)).await;
    let page = format!("/initiatives/proposals/{id}");
    for who in [&s[1], &s[2]] {
        ini.post(&format!("{page}/support"), json!({"version": 1}), Some(who))
            .await
            .ok();
    }
    // m3 withdraws: no standing support, no notice.
    ini.post(&format!("{page}/withdraw"), json!({}), Some(&s[2]))
        .await
        .ok();
    let amend = |v: u64, body: String| json!({"version": v, "body": body, "rationale": "clearer"});
    let a = ini
        .post(
            &format!("{page}/amendments"),
            amend(1, format!("{BODY}- hire staff\n")),
            Some(&s[3]),
        )
        .await
        .ok();
    let accept = format!("{page}/amendments/{}/accept", a["id"].as_str().unwrap());
    let r = ini.post(&accept, json!({}), Some(&s[0])).await.ok();
    assert_eq!(r["made_version"], 2);

    let got = notices(&ini, "m2@example.org", 2, 1).await;
    assert_eq!(got.len(), 1, "m2 supported version 1: one notice");
    let m = &got[0];
    assert!(
        m.contains(&format!("https://initiatives.example.org/initiatives/{id}")),
        "{m}"
    );
    assert!(m.contains("You support version 1"), "{m}");
    // m2 supports version 2: the next version tells m2 again, of version 2.
    ini.post(
        &format!("{page}/support"),
        json!({"version": 2}),
        Some(&s[1]),
    )
    .await
    .ok();
    let a = ini
        .post(
            &format!("{page}/amendments"),
            amend(2, format!("{BODY}- hire two\n")),
            Some(&s[3]),
        )
        .await
        .ok();
    let accept = format!("{page}/amendments/{}/accept", a["id"].as_str().unwrap());
    ini.post(&accept, json!({}), Some(&s[0])).await.ok();
    let got = notices(&ini, "m2@example.org", 3, 1).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].contains("You support version 2"), "{}", got[0]);
    // By now every notice of both versions was sent (one task per version,
    // in member order): the author, the member who withdrew and the
    // amendment's author never had a standing support of an older version.
    for other in ["m1@example.org", "m3@example.org", "m4@example.org"] {
        assert!(
            ini.mails_to(other).iter().all(|m| !m.contains(NOTICE)),
            "{other} has no support of an older version"
        );
    }
    ini.ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supporters_of_an_older_version_are_mailed_on_sqlite() {
    notify(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supporters_of_an_older_version_are_mailed_on_postgres() {
    notify(Backend::Postgres).await;
}
