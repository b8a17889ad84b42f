//! A full round with every question kind over real HTTP on both stores,
//! and the state machine refusing illegal transitions.

mod common;

use common::*;
use psephos_board::record::verify_record;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::{AuditedBallot, ElectionResult};
use psephos_server::demo::questions::{demo_questions, random_ballot};
use psephos_server::demo::report::{check_totals, expected_totals};
use psephos_server::demo::vote::check_receipt;
use psephos_trustee::wire::{CeremonySetup, RoundState, TransitionRequest};
use rand_core::OsRng;

async fn full_round(backend: Backend) {
    let ts = start(backend, |_| {}).await;
    let r = open_round(&ts, demo_questions(), 9, RevotePolicy::LastCounts).await;
    let key = ts.app.board_key;
    let mut counted = Vec::new();
    for i in 0..r.voters.len() {
        if i == 1 {
            // Audited first (Benaloh challenge), then a fresh ballot.
            let plain = random_ballot(&r.questions, &mut OsRng);
            let k = r.voters[i].code.signing_key(&r.stmt.election_id);
            let (b, openings) =
                psephos_crypto::ballot::Ballot::cast(&r.stmt, &k, &plain, &mut OsRng).unwrap();
            let bytes = serde_json::to_vec(&AuditedBallot::new(b, openings)).unwrap();
            let rc = ts.anon.audit(r.round(), bytes.clone()).await.unwrap();
            check_receipt(&key, "audited", &bytes, &rc.receipt).unwrap();
        }
        let mut plain = random_ballot(&r.questions, &mut OsRng);
        let bytes = r.ballot(i, &plain).to_bytes();
        let rc = ts.anon.cast(r.round(), bytes.clone()).await.unwrap();
        check_receipt(&key, "ballot", &bytes, &rc.receipt).unwrap();
        if i == 0 {
            // A revote: only the second ballot counts.
            plain = random_ballot(&r.questions, &mut OsRng);
            let bytes = r.ballot(i, &plain).to_bytes();
            ts.anon.cast(r.round(), bytes).await.unwrap();
        }
        counted.push((r.voters[i].member.weight, plain));
    }
    let status = r.driver.finish(&[1, 3]).await.unwrap();
    assert_eq!(status.state, RoundState::Published);
    let turnout = status.turnout.unwrap();
    assert_eq!(turnout.voters, Some(9));
    assert_eq!(turnout.ballots, 10);
    assert_eq!(turnout.audited, 1);
    let result: ElectionResult =
        serde_json::from_slice(&ts.anon.result_bytes(r.round()).await.unwrap()).unwrap();
    assert_eq!(result.ballots, 9);
    check_totals(&result, &expected_totals(&r.questions, &counted).unwrap()).unwrap();

    // The record file reads cleanly under the board key and holds the
    // entries in the order record.md §8 fixes.
    let record = ts.anon.record(r.round()).await.unwrap();
    let summary = verify_record(&record[..], &key, 16 << 20).unwrap();
    let report = psephos_verifier::verify(
        &psephos_verifier::BytesSource(record.to_vec()),
        &psephos_verifier::Options::default(),
    )
    .unwrap();
    assert!(report.valid, "{}", report.to_text());
    let page = ts.anon.entries(r.round(), 0, 1000).await.unwrap();
    assert_eq!(summary.size, page.size);
    let kinds: Vec<&str> = page.entries.iter().map(|e| e.entry.kind()).collect();
    assert_eq!(
        &kinds[..4],
        &["manifest", "ceremony", "credentials", "transition"]
    );
    let n = kinds.len();
    assert_eq!(
        &kinds[n - 7..],
        &[
            "transition",
            "transition",
            "tally",
            "decryption",
            "decryption",
            "result",
            "transition"
        ]
    );
    assert_eq!(kinds.iter().filter(|k| **k == "ballot").count(), 10);
    assert_eq!(kinds.iter().filter(|k| **k == "audited").count(), 1);
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_round_every_kind_sqlite() {
    full_round(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_round_every_kind_postgres() {
    full_round(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn illegal_transitions_are_refused() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let o = &ts.officer;
    let req = TransitionRequest::default();
    let id = "amv-illegal";
    o.create_round(&draft(id, small_questions(), RevotePolicy::LastCounts))
        .await
        .unwrap();
    for t in ["open", "close", "tally", "publish"] {
        assert_eq!(
            code(o.transition(id, t, &req).await),
            "round.illegal_transition",
            "{t}"
        );
    }
    assert_eq!(code(o.freeze(id).await), "round.illegal_transition");
    assert_eq!(
        code(o.transition(id, "bogus", &req).await),
        "route.not_found"
    );
    // Cancel a draft: no board entry (there is no election yet); then
    // nothing more is possible.
    let s = o.transition(id, "cancel", &req).await.unwrap();
    assert_eq!(s.state, RoundState::Cancelled);
    assert_eq!(
        code(o.transition(id, "cancel", &req).await),
        "round.illegal_transition"
    );
    let setup = CeremonySetup {
        trustees: 3,
        threshold: 2,
    };
    assert_eq!(
        code(o.start_ceremony(id, &setup).await),
        "round.illegal_transition"
    );

    // Freeze needs a complete ceremony; open needs credentials; a frozen
    // round's cancel is a board entry; an open round cannot be cancelled.
    let r = open_round(&ts, small_questions(), 2, RevotePolicy::LastCounts).await;
    assert_eq!(
        code(o.transition(r.round(), "cancel", &req).await),
        "round.illegal_transition"
    );
    assert_eq!(
        code(o.transition(r.round(), "publish", &req).await),
        "round.illegal_transition"
    );
    assert_eq!(
        code(o.transition(r.round(), "open", &req).await),
        "round.illegal_transition"
    );
    o.transition(r.round(), "close", &req).await.unwrap();
    o.transition(r.round(), "tally", &req).await.unwrap();
    // One share of two: publishing is refused until the threshold is met.
    r.driver.trustees[0].decrypt().await.unwrap();
    assert_eq!(
        code(o.transition(r.round(), "publish", &req).await),
        "threshold.not_met"
    );
    r.driver.trustees[1].decrypt().await.unwrap();
    o.transition(r.round(), "publish", &req).await.unwrap();

    let id2 = "amv-frozen-cancel";
    let d = psephos_server::demo::drive::Driver::create(
        o,
        draft(id2, small_questions(), RevotePolicy::LastCounts),
        1,
        1,
        ts.dir.path(),
    )
    .await
    .unwrap();
    assert_eq!(code(o.freeze(id2).await), "ceremony.incomplete");
    d.ceremony().await.unwrap();
    d.freeze().await.unwrap();
    assert_eq!(
        code(o.transition(id2, "open", &req).await),
        "credentials.missing"
    );
    o.transition(id2, "cancel", &req).await.unwrap();
    let page = ts.anon.entries(id2, 0, 10).await.unwrap();
    let kinds: Vec<&str> = page.entries.iter().map(|e| e.entry.kind()).collect();
    assert_eq!(kinds, ["manifest", "ceremony", "transition"]);
    ts.running.stop().await;
}
