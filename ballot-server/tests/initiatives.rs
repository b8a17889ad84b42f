//! Member initiatives end to end over real HTTP (specs/initiatives.md), on
//! SQLite and on real PostgreSQL: members sign in through mails delivered
//! to an SMTP sink on loopback, draft, amend, support up to the threshold;
//! the proposal freezes into an AMV round draft, which is voted on; the
//! support log and the election record verify with the verifier's own
//! checks (verification.md §11). Bad inputs: tests/initiatives_guard.rs.

mod common;
mod ini_common;

use common::*;
use ini_common::*;
use psephos_verifier::support::{check_support_log, SupportOptions};
use serde_json::{json, Value};

/// Drafted, amended, supported by scripted members up to the threshold,
/// frozen into an AMV draft whose question carries the frozen text's
/// hash; on SQLite scheduled, voted on and both records verified, on
/// PostgreSQL declined with a public reason and verified.
async fn full_flow(backend: Backend) {
    let ini = Ini::start(backend).await;
    ini.setup(json!({"absolute": 3}), 99_000).await;
    let s: Vec<Session> = {
        let mut v = Vec::new();
        for m in ["m1", "m2", "m3", "m4", "m5"] {
            v.push(ini.sign_in(m).await);
        }
        v
    };
    // Draft: only the author sees it.
    let created = ini
        .post("/initiatives/proposals", proposal(BODY), Some(&s[0]))
        .await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("p-") && id.len() == 18);
    let page = format!("/initiatives/proposals/{id}");
    assert_eq!(ini.get(&page, None).await.code(), "proposal.not_found");
    assert_eq!(
        ini.get(&page, Some(&s[1])).await.code(),
        "proposal.not_found"
    );
    assert_eq!(ini.get(&page, Some(&s[0])).await.body["state"], "draft");
    let support1 = json!({"version": 1});
    assert_eq!(
        ini.post(&format!("{page}/support"), support1.clone(), Some(&s[1]))
            .await
            .code(),
        "proposal.wrong_state"
    );
    let publish = ini
        .post(&format!("{page}/publish"), json!({}), Some(&s[0]))
        .await
        .ok();
    assert_eq!(publish["state"], "deliberation");
    assert_eq!(publish["support"]["required"], 3);
    assert!(publish["html"]
        .as_str()
        .unwrap()
        .contains("<h1>Proposal</h1>"));

    // Deliberation: a comment hidden by officers stays listed with its reason.
    let c = ini
        .post(
            &format!("{page}/comments"),
            json!({"body": "Good idea"}),
            Some(&s[1]),
        )
        .await
        .ok();
    let cid = c["id"].as_str().unwrap();
    ini.officer(
        reqwest::Method::POST,
        &format!("/officer/initiatives/proposals/{id}/comments/{cid}/hide"),
        json!({"reason": "off topic"}),
    )
    .await
    .ok();
    let listed = ini.get(&format!("{page}/comments"), None).await.ok();
    assert_eq!(listed[0]["hidden"]["reason"], "off topic");
    assert!(listed[0].get("body").is_none());

    // Two amendments to version 1; accepting one makes version 2 and the
    // other stale.
    let amend = |body: &str| json!({"version": 1, "body": body, "rationale": "clearer"});
    let a1 = ini
        .post(
            &format!("{page}/amendments"),
            amend(&format!("{BODY}- hire staff\n")),
            Some(&s[1]),
        )
        .await
        .ok();
    let a2 = ini
        .post(
            &format!("{page}/amendments"),
            amend("# Other\n\ntext\n"),
            Some(&s[2]),
        )
        .await
        .ok();
    let accept = |a: &Value| format!("{page}/amendments/{}/accept", a["id"].as_str().unwrap());
    assert_eq!(
        ini.post(&accept(&a1), json!({}), Some(&s[1])).await.code(),
        "proposal.not_author"
    );
    assert_eq!(
        ini.post(&accept(&a1), json!({}), Some(&s[0])).await.ok()["made_version"],
        2
    );
    assert_eq!(
        ini.post(&accept(&a1), json!({}), Some(&s[0])).await.code(),
        "amendment.decided"
    );
    assert_eq!(
        ini.post(&accept(&a2), json!({}), Some(&s[0])).await.code(),
        "amendment.stale"
    );
    let diff = ini
        .get(&format!("{page}/diff?from=1&to=2"), None)
        .await
        .ok();
    assert!(diff["body"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["op"] == "insert" && o["text"] == "- hire staff\n"));
    assert_eq!(
        ini.get(&format!("{page}/versions/1"), None).await.ok()["text"]["version"],
        1
    );

    // Supports of the current version, a withdrawal, the threshold.
    let sup = |i: usize, v: u64| {
        let (ini, s, page) = (&ini, &s, &page);
        async move {
            ini.post(
                &format!("{page}/support"),
                json!({"version": v}),
                Some(&s[i]),
            )
            .await
        }
    };
    assert_eq!(sup(1, 1).await.code(), "support.wrong_version");
    assert_eq!(sup(1, 2).await.ok()["support"]["count"], 1);
    assert_eq!(sup(1, 2).await.code(), "support.duplicate");
    let w = ini
        .post(&format!("{page}/withdraw"), json!({}), Some(&s[1]))
        .await
        .ok();
    assert_eq!(w["support"]["count"], 0);
    // The page tells a signed-in member their own standing, and no one else.
    let mine = |i: usize| {
        let (ini, s, page) = (&ini, &s, &page);
        async move { ini.get(page, Some(&s[i])).await.ok()["viewer"].clone() }
    };
    assert_eq!(mine(1).await["standing"], Value::Null);
    assert_eq!(sup(1, 2).await.ok()["support"]["count"], 1);
    assert_eq!(mine(1).await["standing"], 2);
    assert_eq!(mine(2).await["standing"], Value::Null);
    assert!(ini.get(&page, None).await.ok().get("viewer").is_none());
    ini.post(&format!("{page}/withdraw"), json!({}), Some(&s[1]))
        .await
        .ok();
    assert_eq!(
        ini.post(&format!("{page}/withdraw"), json!({}), Some(&s[1]))
            .await
            .code(),
        "support.not_supporting"
    );
    assert_eq!(sup(1, 2).await.ok()["support"]["count"], 1);
    assert_eq!(sup(2, 2).await.ok()["frozen"], false);
    let last = sup(3, 2).await.ok();
    assert_eq!(last["frozen"], true);
    assert_eq!(last["support"]["count"], 3);
    // Each entry's receipt was mailed to its member.
    let mails = ini.mails_to("m2@example.org");
    let count = |what: &str| mails.iter().filter(|m| m.contains(what)).count();
    assert_eq!(count("Subject: Receipt: your support of"), 3);
    assert_eq!(count("Subject: Receipt: your withdrawal of"), 2);
    assert!(mails.iter().any(|m| m.contains("\"inclusion\"")));

    // Frozen: nothing more is accepted, and nothing recorded is lost.
    assert_eq!(sup(4, 2).await.code(), "proposal.frozen");
    assert_eq!(
        ini.post(&format!("{page}/withdraw"), json!({}), Some(&s[1]))
            .await
            .code(),
        "proposal.frozen"
    );
    let amend2 = json!({"version": 2, "body": "x\n", "rationale": "late"});
    assert_eq!(
        ini.post(&format!("{page}/amendments"), amend2, Some(&s[4]))
            .await
            .code(),
        "proposal.frozen"
    );
    let view = ini.get(&page, None).await.ok();
    assert_eq!(view["state"], "frozen");
    assert_eq!(view["support"]["count"], 3);
    // The list shows the same progress.
    let list = ini.get("/initiatives/proposals", None).await.ok();
    let listed = list
        .as_array()
        .and_then(|l| l.iter().find(|e| e["id"] == view["id"]))
        .expect("listed")
        .clone();
    assert_eq!(listed["support"], view["support"]);
    assert_eq!(view["frozen"]["version"], 2);
    assert_eq!(view["amv"]["state"], "awaiting_officers");
    let text_hash = view["frozen"]["text_hash"].as_str().unwrap().to_string();
    let v2 = ini.get(&format!("{page}/versions/2"), None).await.ok();
    assert_eq!(v2["text_hash"], text_hash);

    // The AMV draft carries the frozen body and the binding trailer.
    let round = view["amv"]["round"].as_str().unwrap().to_string();
    let status = ts_round(&ini, &round).await;
    assert_eq!(status["state"], "draft");
    let desc = status["draft"]["questions"][0]["description"]["en"]
        .as_str()
        .unwrap();
    assert!(desc.starts_with(v2["text"]["body"].as_str().unwrap()));
    assert!(desc.ends_with(&format!("psephos-initiative: {id} v2 sha256:{text_hash}\n")));

    // Officers: scheduling needs the round past its draft.
    let o = format!("/officer/initiatives/proposals/{id}");
    assert_eq!(
        ini.officer(reqwest::Method::POST, &format!("{o}/schedule"), json!({}))
            .await
            .code(),
        "round.wrong_state"
    );
    let record = ini.log_record(&id).await;
    let key = ini.ts.app.board_key;
    if backend == Backend::Postgres {
        // A decline is public, with its reason, and happens once.
        let d = ini
            .officer(
                reqwest::Method::POST,
                &format!("{o}/decline"),
                json!({"reason": "budget"}),
            )
            .await
            .ok();
        assert_eq!(
            (d["state"].as_str(), d["reason"].as_str()),
            (Some("declined"), Some("budget"))
        );
        assert_eq!(
            ini.officer(
                reqwest::Method::POST,
                &format!("{o}/decline"),
                json!({"reason": "again"})
            )
            .await
            .code(),
            "initiative.decided"
        );
        let opts = SupportOptions {
            manifest: Some(draft_manifest(&ini, &status)),
            member: Some("m2".into()),
        };
        let report = check_support_log(&ini.log_record(&id).await[..], &key, &opts);
        assert!(report.valid, "{}", report.to_text());
        assert_eq!(report.officers.as_ref().unwrap().action, "declined");
        let kinds: Vec<&str> = report
            .member_entries
            .iter()
            .map(|e| e.kind.as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "support.add",
                "support.withdraw",
                "support.add",
                "support.withdraw",
                "support.add"
            ]
        );
    } else {
        vote_the_amv(&ini, &id, &round, &status, &text_hash).await;
    }
    // Whatever the officers did, the frozen log before it still verifies.
    let report = check_support_log(&record[..], &key, &SupportOptions::default());
    assert!(report.valid, "{}", report.to_text());
    assert_eq!((report.count, report.required, report.version), (3, 3, 2));
    assert_eq!(report.frozen.as_ref().unwrap().1, text_hash);
    ini.ts.running.stop().await;
}

/// The officers schedule the AMV draft, the members vote on it, and both
/// the support log (against the real manifest, 11.8) and the election
/// record verify.
async fn vote_the_amv(ini: &Ini, id: &str, round: &str, status: &Value, text_hash: &str) {
    use psephos_crypto::ballot::{Ballot, PlainAnswer};
    use psephos_server::demo::drive::members;
    let driver = ini.amv_ceremony(round, status).await;
    let o = format!("/officer/initiatives/proposals/{id}");
    let d = ini
        .officer(reqwest::Method::POST, &format!("{o}/schedule"), json!({}))
        .await
        .ok();
    assert_eq!(d["state"], "scheduled");
    let (manifest, stmt) = driver.freeze().await.unwrap();
    let q = &manifest.questions[0].description["en"];
    assert!(q.ends_with(&format!("sha256:{text_hash}\n")));
    let opts = SupportOptions {
        manifest: Some(manifest.clone()),
        member: None,
    };
    let report = check_support_log(&ini.log_record(id).await[..], &ini.ts.app.board_key, &opts);
    assert!(
        report.valid && report.manifest_checked,
        "{}",
        report.to_text()
    );
    assert!(report.officers.as_ref().unwrap().in_time);
    // Another proposal's hash is not bound by this manifest.
    let mut other = manifest.clone();
    other.questions[0]
        .description
        .insert("en".into(), "no trailer".into());
    let opts = SupportOptions {
        manifest: Some(other),
        member: None,
    };
    let report = check_support_log(&ini.log_record(id).await[..], &ini.ts.app.board_key, &opts);
    assert_eq!(report.failures[0].step, "11.8");

    let voters = driver.server_credentials(&members(3, |_| 1)).await.unwrap();
    driver.step("open").await.unwrap();
    for (i, yes) in [true, true, false].into_iter().enumerate() {
        let key = voters[i].code.signing_key(&stmt.election_id);
        let plain = vec![PlainAnswer::Linear(if yes {
            vec![1, 0, 0]
        } else {
            vec![0, 1, 0]
        })];
        let (b, _) = Ballot::cast(&stmt, &key, &plain, &mut rand_core::OsRng).unwrap();
        ini.ts.anon.cast(round, b.to_bytes()).await.unwrap();
    }
    driver.finish(&[1, 3]).await.unwrap();
    let record = ini.ts.officer.record(round).await.unwrap();
    let election = psephos_verifier::verify(
        &psephos_verifier::BytesSource(record),
        &psephos_verifier::Options::default(),
    )
    .unwrap();
    assert!(election.valid, "{}", election.to_text());
}

async fn ts_round(ini: &Ini, round: &str) -> Value {
    ini.officer(
        reqwest::Method::GET,
        &format!("/officer/rounds/{round}"),
        json!(null),
    )
    .await
    .ok()
}

/// The manifest a draft gives (placeholder key), for check 11.8.
fn draft_manifest(ini: &Ini, status: &Value) -> psephos_crypto::record::Manifest {
    use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
    use psephos_crypto::record::manifest::CeremonyRef;
    let d: psephos_trustee::wire::RoundDraft =
        serde_json::from_value(status["draft"].clone()).unwrap();
    psephos_crypto::record::Manifest {
        spec_version: 1,
        election: d.election,
        title: d.title,
        questions: d.questions,
        election_key: RISTRETTO_BASEPOINT_POINT,
        ceremony: CeremonyRef {
            ceremony_id: [0; 32],
            threshold: 1,
            trustees: 1,
        },
        board_key: ini.ts.app.board_key.0,
        schedule: d.schedule,
        revote: d.revote,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initiative_to_amv_draft_on_sqlite() {
    full_flow(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initiative_to_amv_draft_on_postgres() {
    full_flow(Backend::Postgres).await;
}
