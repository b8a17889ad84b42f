//! The demo end to end, in process: random voters (with revotes and an
//! audited ballot), and a scripted ballots file whose result JSON is
//! checked against hand-counted totals.

use psephos_board::record::verify_record;
use psephos_server::config::Settings;
use psephos_server::demo::{run, DemoArgs};
use psephos_verifier::{verify, BytesSource, Options};

fn args(dir: &std::path::Path) -> DemoArgs {
    DemoArgs {
        voters: 25,
        ballots: None,
        export: Some(dir.join("record.jsonl")),
        result_json: Some(dir.join("result.json")),
        exit: true,
        open_round: None,
        concurrency: 4,
        settings: Settings {
            data_dir: Some(dir.join("data")),
            listen: Some("127.0.0.1:0".parse().unwrap()),
            ..Settings::default()
        },
        keep_secrets: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_demo_publishes_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(args(dir.path())).await.unwrap();
    assert_eq!(out.result.ballots, 25);
    let key = out.running.app.board_key;
    let record = std::fs::read(dir.path().join("record.jsonl")).unwrap();
    let summary = verify_record(&record[..], &key, 16 << 20).unwrap();
    assert!(summary.size > 30);
    // The standalone verifier checks every step of the exported record.
    let report = verify(&BytesSource(record), &Options::default()).unwrap();
    assert!(report.valid, "{}", report.to_text());
    assert!(report.steps.iter().all(|st| st.ran && st.ok));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("result.json")).unwrap()).unwrap();
    assert_eq!(v["questions"].as_array().unwrap().len(), 6);
    out.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_ballots_give_the_expected_result() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"{
      "questions": [
        {"id": "statutes", "kind": "yes_no", "options": ["yes", "no", "abstain"]},
        {"id": "tools", "kind": "approval", "options": ["wiki", "chat", "mail"]},
        {"id": "budget", "kind": "systemic_consensus", "options": ["keep", "x", "y"],
         "max": 10, "passive_solution": "keep"},
        {"id": "logo", "kind": "ranked", "options": ["p", "q", "r"]}
      ],
      "voters": [
        {"weight": 2, "choices": {"statutes": "yes", "tools": ["wiki", "mail"],
          "budget": {"keep": 0, "x": 4, "y": 10}, "logo": [["q"], ["p", "r"]]}},
        {"choices": {"statutes": "no", "tools": [],
          "budget": {"keep": 10, "x": 2}, "logo": [["p"], ["q"], ["r"]]}},
        {"choices": {"statutes": "abstain", "tools": ["chat"],
          "budget": {"keep": 5, "x": 5, "y": 5}, "logo": [["q"]]}}
      ]}"#;
    let path = dir.path().join("ballots.json");
    std::fs::write(&path, script).unwrap();
    let mut a = args(dir.path());
    a.ballots = Some(path);
    let out = run(a).await.unwrap();
    assert_eq!(out.result.ballots, 3);
    assert_eq!(out.result.weight, 4);
    let record = std::fs::read(dir.path().join("record.jsonl")).unwrap();
    let report = verify(&BytesSource(record), &Options::default()).unwrap();
    assert!(report.valid, "{}", report.to_text());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("result.json")).unwrap()).unwrap();
    let q = &v["questions"];
    assert_eq!(q[0]["kind"], "yes_no");
    assert_eq!(q[0]["counts"]["yes"], 2);
    assert_eq!(q[0]["counts"]["no"], 1);
    assert_eq!(q[0]["counts"]["abstain"], 1);
    assert_eq!(q[0]["percentages"]["yes"], "66.67");
    assert_eq!(q[1]["votes"]["wiki"], 2);
    assert_eq!(q[1]["votes"]["chat"], 1);
    // "y" unrated by the second voter counts as the maximum, 10.
    assert_eq!(q[2]["resistance"]["keep"], 15);
    assert_eq!(q[2]["resistance"]["x"], 15);
    assert_eq!(q[2]["resistance"]["y"], 35);
    assert_eq!(q[3]["kind"], "ranked");
    // q beats p (weight 2 + 1 against 1) and r; p beats r.
    assert_eq!(q[3]["ranking"], serde_json::json!([["q"], ["p"], ["r"]]));
    assert_eq!(q[3]["matrix"][1][0], 3);
    assert_eq!(q[3]["matrix"][0][1], 1);
    out.running.stop().await;
}
