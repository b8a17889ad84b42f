//! Editing a draft over real HTTP on both stores (specs/server-api.md §4,
//! what the console's draft editor sends, booth.md §3): `PUT
//! /officer/rounds/{id}` replaces the draft while the round is in `draft`
//! — schedule, questions, revote policy, credential mode — and every
//! refusal (`round.id_mismatch`, `round.invalid_draft`,
//! `request.invalid_json`, `round.not_found`, `round.wrong_state`) leaves
//! the stored draft as it was.

mod common;

use common::*;
use psephos_crypto::record::manifest::{RevotePolicy, Schedule};
use psephos_server::service::rounds::text;
use psephos_trustee::wire::{CeremonySetup, CredentialMode, RoundDraft, RoundState};
use reqwest::{Method, StatusCode};

/// A raw officer request; answers the status and the error code, if any.
async fn raw(
    ts: &TestServer,
    method: Method,
    path: &str,
    body: &str,
) -> (StatusCode, Option<String>) {
    let url = format!("{}/api/v1{path}", ts.running.url());
    let res = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(&ts.token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let v: serde_json::Value = res.json().await.unwrap_or(serde_json::Value::Null);
    let code = v["error"]["code"].as_str().map(str::to_string);
    (status, code)
}

async fn stored(ts: &TestServer, id: &str) -> RoundDraft {
    ts.officer.round(id).await.unwrap().draft
}

async fn edit_and_refusals(backend: Backend) {
    let ts = start(backend, |_| {}).await;
    let id = "amv-edit";
    let first = draft(id, small_questions(), RevotePolicy::LastCounts);
    ts.officer.create_round(&first).await.unwrap();

    // A good edit: schedule, a question's title, revote, credential mode.
    let mut edited = first.clone();
    edited.schedule = Schedule {
        opens_at: first.schedule.opens_at + 3600,
        closes_at: first.schedule.closes_at + 7 * 86_400,
    };
    edited.questions[0].title = text("Adopt the amended statutes?");
    edited.questions.truncate(1);
    edited.revote = RevotePolicy::Once;
    edited.credential_mode = CredentialMode::External;
    let st = ts.officer.update_round(id, &edited).await.unwrap();
    assert_eq!(st.state, RoundState::Draft);
    assert_eq!(st.draft, edited);
    assert_eq!(stored(&ts, id).await, edited);

    // Closes before it opens: round.invalid_draft, nothing changed.
    let mut bad = edited.clone();
    bad.schedule.closes_at = bad.schedule.opens_at - 1;
    let e = ts.officer.update_round(id, &bad).await.unwrap_err();
    assert_eq!(e.code(), Some("round.invalid_draft"));
    assert_eq!(e.status(), Some(422));
    // Equal times are refused too (the window is half-open).
    bad.schedule.closes_at = bad.schedule.opens_at;
    assert_eq!(
        code(ts.officer.update_round(id, &bad).await),
        "round.invalid_draft"
    );
    // No questions.
    let mut empty = edited.clone();
    empty.questions.clear();
    assert_eq!(
        code(ts.officer.update_round(id, &empty).await),
        "round.invalid_draft"
    );
    // Another round's id in the body.
    let mut other = edited.clone();
    other.election = "amv-other".into();
    let e = ts.officer.update_round(id, &other).await.unwrap_err();
    assert_eq!(e.code(), Some("round.id_mismatch"));
    assert_eq!(e.status(), Some(400));
    // Strict JSON: an unknown field, a repeated key, a missing field.
    let mut v = serde_json::to_value(&edited).unwrap();
    v["extra"] = serde_json::json!(1);
    let path = format!("/officer/rounds/{id}");
    for body in [
        v.to_string(),
        format!(
            "{{\"election\":\"{id}\",\"election\":\"{id}\",{}",
            &serde_json::to_string(&edited).unwrap()[1..]
        ),
        serde_json::json!({"election": id}).to_string(),
        serde_json::to_string(&edited).unwrap()[..40].to_string(),
    ] {
        let (status, c) = raw(&ts, Method::PUT, &path, &body).await;
        assert_eq!(
            (status, c.as_deref()),
            (StatusCode::BAD_REQUEST, Some("request.invalid_json")),
            "{body}"
        );
    }
    assert_eq!(stored(&ts, id).await, edited, "refusals changed the draft");

    // No such round.
    let mut ghost = edited.clone();
    ghost.election = "amv-ghost".into();
    assert_eq!(
        code(ts.officer.update_round("amv-ghost", &ghost).await),
        "round.not_found"
    );

    // Once the round has left draft the editor's PUT is refused.
    ts.officer
        .start_ceremony(
            id,
            &CeremonySetup {
                trustees: 1,
                threshold: 1,
            },
        )
        .await
        .unwrap();
    let mut late = edited.clone();
    late.title = text("Too late");
    let e = ts.officer.update_round(id, &late).await.unwrap_err();
    assert_eq!(e.code(), Some("round.wrong_state"));
    assert_eq!(e.status(), Some(409));
    assert_eq!(stored(&ts, id).await, edited);
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_edit_and_refusals_on_sqlite() {
    edit_and_refusals(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_edit_and_refusals_on_postgres() {
    edit_and_refusals(Backend::Postgres).await;
}
