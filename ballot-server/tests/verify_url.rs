//! The standalone verifier against a running server (verification.md,
//! "Inputs" and "Incremental runs"): it pages through the public board API
//! while the round is open, resumes from its earlier report with the
//! server's consistency proof, refuses a log that does not extend the one
//! it saw, and accepts the published round.

mod common;

use common::*;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_trustee::wire::RoundState;
use psephos_verifier::url::{fetch_paged, FetchError};
use psephos_verifier::{verify, Options, Report, Since};

/// Runs the verifier on the round's URL on a blocking thread (it uses a
/// blocking HTTP client).
async fn verify_url(url: String, since: Option<Since>) -> Result<Report, FetchError> {
    tokio::task::spawn_blocking(move || {
        let source = fetch_paged(&url, since.as_ref(), 4)?;
        let opts = Options {
            since,
            batch_size: 3,
            ..Options::default()
        };
        Ok(verify(&source, &opts).expect("the fetched record reads"))
    })
    .await
    .unwrap()
}

fn step(report: &Report, n: u8) -> &psephos_verifier::report::StepReport {
    &report.steps[(n - 1) as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observer_follows_an_open_round_then_checks_the_result() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let r = open_round(&ts, small_questions(), 6, RevotePolicy::LastCounts).await;
    let url = format!("{}/api/v1/rounds/{}", ts.running.url(), r.round());
    for i in 0..3 {
        let bytes = r.ballot(i, &small_plain(i % 2 == 0, [1, 2, 3])).to_bytes();
        ts.anon.cast(r.round(), bytes).await.unwrap();
    }

    // While open: steps 1–5 hold; counting has not happened yet.
    let first = verify_url(url.clone(), None).await.unwrap();
    assert!(!first.valid, "an open round has no result yet");
    for n in 1..=5 {
        assert!(step(&first, n).ok, "{}", first.to_text());
    }
    assert!(!step(&first, 9).ran);
    assert!(first.failures.is_empty(), "{}", first.to_text());
    let json = serde_json::to_vec(&first).unwrap();
    let since = Since::from_report_json(&json).unwrap();
    assert!(since.size > 3);

    // More ballots (one a revote); the next run resumes from the report.
    for i in 2..6 {
        let bytes = r.ballot(i, &small_plain(true, [0, 1, 2])).to_bytes();
        ts.anon.cast(r.round(), bytes).await.unwrap();
    }
    let second = verify_url(url.clone(), Some(since.clone())).await.unwrap();
    assert!(second.failures.is_empty(), "{}", second.to_text());
    assert!(
        step(&second, 5)
            .checked
            .contains("verified by the earlier run"),
        "{}",
        second.to_text()
    );
    assert!(second.checkpoint.as_ref().unwrap().0 > since.size);

    // A report of a log the server's does not extend: refused (step 4.2).
    let mut forged = since.clone();
    forged.root.0[0] ^= 1;
    match verify_url(url.clone(), Some(forged)).await {
        Err(e @ FetchError::Inconsistent { .. }) => {
            assert!(matches!(e, FetchError::Inconsistent { old, .. } if old == since.size));
            // The CLI prints this report (exit code 1, `--json` too).
            let report = e.report().expect("an inconsistency is a report");
            assert!(!report.valid);
            assert_eq!(report.failures.len(), 1);
            assert_eq!(report.failures[0].step, "4.2");
        }
        other => panic!(
            "expected an inconsistency, got {:?}",
            other.map(|r| r.valid)
        ),
    }

    // The published round verifies from the URL, resumed or not.
    let status = r.driver.finish(&[2, 3]).await.unwrap();
    assert_eq!(status.state, RoundState::Published);
    let full = verify_url(url.clone(), None).await.unwrap();
    assert!(full.valid, "{}", full.to_text());
    let resumed = verify_url(url.clone(), Some(since)).await.unwrap();
    assert!(resumed.valid, "{}", resumed.to_text());
    assert_eq!(full.checkpoint, resumed.checkpoint);
    // Same counts as the exported record file.
    let record = ts.anon.record(r.round()).await.unwrap();
    let from_file = verify(
        &psephos_verifier::BytesSource(record.to_vec()),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(from_file.checkpoint, full.checkpoint);
    assert_eq!(step(&from_file, 6).checked, step(&full, 6).checked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_is_unreadable() {
    let err = verify_url("http://127.0.0.1:9/api/v1/rounds/x".into(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Http { .. }), "{err}");
}
