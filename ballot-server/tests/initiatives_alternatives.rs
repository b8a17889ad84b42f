//! Competing alternatives end to end over real HTTP, on SQLite and
//! PostgreSQL (specs/initiatives.md §7.1): a `ranked` and a
//! `systemic_consensus` proposal with two live alternatives (and a hidden
//! one), supported to the threshold and frozen; the AMV draft has one
//! question over the status quo, the proposal and its alternatives with
//! an option trailer each; the round is voted, tallied and verified, and
//! the support logs verify against the manifest (verification.md §11.8).

mod common;
mod ini_common;

use common::*;
use ini_common::*;
use psephos_verifier::support::{check_support_log, SupportOptions};
use reqwest::Method;
use serde_json::{json, Value};

fn draft(title: &str, decision: &str, alternative_to: Option<&str>) -> Value {
    let mut p = proposal(&format!("# {title}\n\nThe CC does {title}.\n"));
    p["title"] = json!(title);
    p["decision"] = json!(decision);
    if let Some(m) = alternative_to {
        p["alternative_to"] = json!(m);
    }
    p
}

async fn create(ini: &Ini, s: &Session, body: Value) -> Answer {
    ini.post("/initiatives/proposals", body, Some(s)).await
}

async fn publish(ini: &Ini, s: &Session, id: &str) -> Answer {
    let path = format!("/initiatives/proposals/{id}/publish");
    ini.post(&path, json!({}), Some(s)).await
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn text_hash(ini: &Ini, id: &str, n: u64) -> String {
    let v = ini
        .get(&format!("/initiatives/proposals/{id}/versions/{n}"), None)
        .await
        .ok();
    v["text_hash"].as_str().unwrap().to_string()
}

/// Who may draft and publish an alternative, and to what.
async fn refusals(ini: &Ini, s: &[Session], main: &str, decision: &str) {
    let yes_no = id_of(
        &create(ini, &s[0], draft("plain", "yes_no", None))
            .await
            .ok(),
    );
    publish(ini, &s[0], &yes_no).await.ok();
    let r = create(ini, &s[1], draft("alt", "yes_no", Some(&yes_no))).await;
    assert_eq!((r.status, r.code()), (422, "alternative.invalid"));
    let r = create(ini, &s[1], draft("alt", "yes_no", Some(main))).await;
    assert_eq!(r.code(), "alternative.invalid", "another decision kind");
    let mut other_area = draft("alt", decision, Some(main));
    other_area["area"] = json!("policy");
    assert_eq!(
        create(ini, &s[1], other_area).await.code(),
        "alternative.invalid"
    );
    let r = create(
        ini,
        &s[1],
        draft("alt", decision, Some("p-0000000000000000")),
    )
    .await;
    assert_eq!(r.code(), "alternative.invalid", "an unknown main proposal");
    let r = create(ini, &s[1], draft("alt", decision, Some("not an id"))).await;
    assert_eq!(r.code(), "alternative.invalid");
}

async fn alternatives_flow(backend: Backend, decision: &str) {
    let ini = Ini::start(backend).await;
    ini.setup(json!({"absolute": 3}), 99_000).await;
    let mut s = Vec::new();
    for m in ["m1", "m2", "m3", "m4", "m5"] {
        s.push(ini.sign_in(m).await);
    }
    // The main proposal, and alternatives by other members.
    let main = id_of(
        &create(&ini, &s[0], draft("Main plan", decision, None))
            .await
            .ok(),
    );
    let page = format!("/initiatives/proposals/{main}");
    publish(&ini, &s[0], &main).await.ok();
    refusals(&ini, &s, &main, decision).await;
    let mut alts = Vec::new();
    for (i, title) in [(1, "Plan B"), (2, "Plan C"), (3, "Plan D")] {
        let a = id_of(
            &create(&ini, &s[i], draft(title, decision, Some(&main)))
                .await
                .ok(),
        );
        let v = publish(&ini, &s[i], &a).await.ok();
        assert_eq!(v["input"]["alternative_to"], main.as_str());
        alts.push(a);
    }
    // The public list says each proposal's decision kind and what it is an
    // alternative to.
    let list = ini.get("/initiatives/proposals", None).await.ok();
    let list = list.as_array().expect("a list");
    let entry = |id: &str| list.iter().find(|e| e["id"] == id).expect("listed").clone();
    assert_eq!(entry(&main)["decision"], decision);
    assert!(entry(&main).get("alternative_to").is_none());
    for a in &alts {
        assert_eq!(entry(a)["decision"], decision);
        assert_eq!(entry(a)["alternative_to"], main.as_str());
    }
    // An alternative to an alternative; supporting an alternative.
    let r = create(&ini, &s[4], draft("E", decision, Some(&alts[0]))).await;
    assert_eq!(r.code(), "alternative.invalid");
    let r = ini
        .post(
            &format!("/initiatives/proposals/{}/support", alts[0]),
            json!({"version": 1}),
            Some(&s[4]),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "alternative.no_support"));
    // An alternative is amended like any proposal; one is hidden.
    let ap = format!("/initiatives/proposals/{}", alts[0]);
    let body = json!({"version": 1, "body": "# Plan B\n\nBetter.\n", "rationale": "r"});
    let a = ini
        .post(&format!("{ap}/amendments"), body, Some(&s[4]))
        .await
        .ok();
    let accept = format!("{ap}/amendments/{}/accept", a["id"].as_str().unwrap());
    assert_eq!(
        ini.post(&accept, json!({}), Some(&s[1])).await.ok()["made_version"],
        2
    );
    ini.officer(
        Method::POST,
        &format!("/officer/initiatives/proposals/{}/hide", alts[2]),
        json!({"reason": "spam"}),
    )
    .await
    .ok();
    let late = id_of(
        &create(&ini, &s[4], draft("Late", decision, Some(&main)))
            .await
            .ok(),
    );
    let view = ini.get(&page, None).await.ok();
    assert_eq!(view["alternatives"], json!(alts));

    // The threshold freezes the proposal and its live alternatives.
    for i in [2, 3] {
        let r = ini
            .post(
                &format!("{page}/support"),
                json!({"version": 1}),
                Some(&s[i]),
            )
            .await;
        assert_eq!(r.ok()["frozen"], false);
    }
    let r = ini
        .post(
            &format!("{page}/support"),
            json!({"version": 1}),
            Some(&s[4]),
        )
        .await;
    assert_eq!(r.ok()["frozen"], true);
    let r = publish(&ini, &s[4], &late).await;
    assert_eq!((r.status, r.code()), (409, "alternative.closed"));
    let body = json!({"version": 2, "body": "x\n", "rationale": "late"});
    let r = ini
        .post(&format!("{ap}/amendments"), body, Some(&s[4]))
        .await;
    assert_eq!(r.code(), "proposal.frozen");
    for (a, state) in [
        (&alts[0], "frozen"),
        (&alts[1], "frozen"),
        (&alts[2], "deliberation"),
    ] {
        let v = ini
            .get(&format!("/initiatives/proposals/{a}"), None)
            .await
            .ok();
        assert_eq!(v["state"], state, "{a}");
    }
    let r = ini
        .officer(
            Method::POST,
            &format!("/officer/initiatives/proposals/{}/hide", alts[0]),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(r.code(), "proposal.frozen");

    // One question over the status quo, the proposal and its live
    // alternatives at their current versions, with their trailers.
    let view = ini.get(&page, None).await.ok();
    let round = view["amv"]["round"].as_str().unwrap().to_string();
    let status = ini
        .officer(
            Method::GET,
            &format!("/officer/rounds/{round}"),
            json!(null),
        )
        .await
        .ok();
    let questions = status["draft"]["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 1);
    let q = &questions[0];
    let ids: Vec<&str> = q["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "status-quo",
            main.as_str(),
            alts[0].as_str(),
            alts[1].as_str()
        ]
    );
    assert_eq!(q["options"][2]["label"]["en"], "Plan B");
    match decision {
        "ranked" => assert_eq!(
            q["kind"]["ranked"]["default_option"]["option"],
            "status-quo"
        ),
        _ => {
            let k = &q["kind"]["systemic_consensus"];
            assert_eq!(
                (k["passive_solution"].as_str(), k["max_resistance"].as_u64()),
                (Some("status-quo"), Some(10))
            );
        }
    }
    let desc = q["description"]["en"].as_str().unwrap();
    let mut expected = String::new();
    for (i, (id, n, title)) in [
        (&main, 1, "Main plan"),
        (&alts[0], 2, "Plan B"),
        (&alts[1], 1, "Plan C"),
    ]
    .into_iter()
    .enumerate()
    {
        let v = ini
            .get(&format!("/initiatives/proposals/{id}/versions/{n}"), None)
            .await
            .ok();
        if i > 0 {
            expected.push('\n');
        }
        expected.push_str(&format!(
            "## {title}\n\n{}\n\n---\npsephos-initiative-option: {id} v{n} sha256:{}\n",
            v["text"]["body"].as_str().unwrap(),
            v["text_hash"].as_str().unwrap()
        ));
    }
    assert_eq!(desc, expected);
    assert!(!desc.contains("Plan D"));
    assert_eq!(
        view["frozen"]["text_hash"],
        text_hash(&ini, &main, 1).await.as_str()
    );

    vote(&ini, &main, &alts, &round, &status, decision).await;
    ini.ts.running.stop().await;
}

/// Schedules, votes and tallies the AMV, then verifies the record, the
/// main proposal's log and each alternative's log against the manifest.
async fn vote(ini: &Ini, main: &str, alts: &[String], round: &str, status: &Value, decision: &str) {
    use psephos_crypto::ballot::{Ballot, PlainAnswer};
    use psephos_server::demo::drive::members;
    let driver = ini.amv_ceremony(round, status).await;
    let o = format!("/officer/initiatives/proposals/{main}/schedule");
    assert_eq!(
        ini.officer(Method::POST, &o, json!({})).await.ok()["state"],
        "scheduled"
    );
    let (manifest, stmt) = driver.freeze().await.unwrap();
    let key = ini.ts.app.board_key;
    let check = |id: String, m: psephos_crypto::record::Manifest| async move {
        let opts = SupportOptions {
            manifest: Some(m),
            member: None,
        };
        check_support_log(&ini.log_record(&id).await[..], &key, &opts)
    };
    let r = check(main.to_string(), manifest.clone()).await;
    assert!(
        r.valid && r.manifest_checked && r.alternative_bound.is_none(),
        "{}",
        r.to_text()
    );
    for (a, n) in [(&alts[0], 2), (&alts[1], 1)] {
        let r = check(a.clone(), manifest.clone()).await;
        assert!(r.valid, "{}", r.to_text());
        assert_eq!(r.alternative_bound, Some(n));
    }
    // The hidden alternative is in no question; a changed hash is caught.
    let r = check(alts[2].clone(), manifest.clone()).await;
    assert_eq!((r.valid, r.failures[0].step.as_str()), (false, "11.8"));
    let mut forged = manifest.clone();
    let d = forged.questions[0].description.get_mut("en").unwrap();
    let h = text_hash(ini, &alts[1], 1).await;
    *d = d.replace(&h, &"0".repeat(64));
    assert!(!check(alts[1].clone(), forged.clone()).await.valid);
    let h = text_hash(ini, main, 1).await;
    *forged.questions[0].description.get_mut("en").unwrap() =
        manifest.questions[0].description["en"].replace(&h, &"0".repeat(64));
    assert!(!check(main.to_string(), forged).await.valid);

    // Three voters; option order: status quo, main, B, C. Plan B wins.
    let voters = driver.server_credentials(&members(3, |_| 1)).await.unwrap();
    driver.step("open").await.unwrap();
    let ballots: [PlainAnswer; 3] = if decision == "ranked" {
        [
            PlainAnswer::Ranked(vec![vec![2], vec![1], vec![0], vec![3]]),
            PlainAnswer::Ranked(vec![vec![2], vec![3], vec![1, 0]]),
            PlainAnswer::Ranked(vec![vec![1], vec![2], vec![0]]),
        ]
    } else {
        [
            PlainAnswer::Linear(vec![10, 2, 0, 7]),
            PlainAnswer::Linear(vec![8, 5, 1, 3]),
            PlainAnswer::Linear(vec![9, 0, 2, 10]),
        ]
    };
    for (i, plain) in ballots.into_iter().enumerate() {
        let key = voters[i].code.signing_key(&stmt.election_id);
        let (b, _) = Ballot::cast(&stmt, &key, &[plain], &mut rand_core::OsRng).unwrap();
        ini.ts.anon.cast(round, b.to_bytes()).await.unwrap();
    }
    driver.finish(&[1, 3]).await.unwrap();
    let result = ini.get(&format!("/rounds/{round}/result"), None).await.ok();
    let outcome = &result["questions"][0]["outcome"];
    let winners = match decision {
        "ranked" => &outcome["ranked"]["schulze"]["winners"],
        _ => &outcome["systemic_consensus"]["winners"],
    };
    assert_eq!(winners, &json!([2]), "{outcome}");
    let record = ini.ts.officer.record(round).await.unwrap();
    let election = psephos_verifier::verify(
        &psephos_verifier::BytesSource(record),
        &psephos_verifier::Options::default(),
    )
    .unwrap();
    assert!(election.valid, "{}", election.to_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranked_alternatives_to_a_verified_result_on_sqlite() {
    alternatives_flow(Backend::Sqlite, "ranked").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranked_alternatives_to_a_verified_result_on_postgres() {
    alternatives_flow(Backend::Postgres, "ranked").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consensus_alternatives_to_a_verified_result_on_sqlite() {
    alternatives_flow(Backend::Sqlite, "systemic_consensus").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consensus_alternatives_to_a_verified_result_on_postgres() {
    alternatives_flow(Backend::Postgres, "systemic_consensus").await;
}
