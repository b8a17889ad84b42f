//! `psephos-verify` as a program: exit codes 0 / 1 / 2, human and JSON
//! reports, the receipt subcommand.

mod support;

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_psephos-verify"))
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("psephos-verify-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn exit_codes_and_reports() {
    let s = support::honest();
    let entries = s.entries();
    let good = temp(
        "good.jsonl",
        &support::write_record(&s.key, s.election_id, &entries, 4),
    );
    let out = bin().arg(&good).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("✓ 10. audited ballots") && text.ends_with("VALID\n"),
        "{text}"
    );

    let out = bin().arg("--json").arg(&good).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["steps"].as_array().unwrap().len(), 10);

    let mut bad = entries.clone();
    let result = bad.iter().position(|(k, _)| k == "result").unwrap();
    let mut r: psephos_crypto::record::ElectionResult =
        serde_json::from_slice(&bad[result].1).unwrap();
    r.questions[0].totals[0] += 1;
    bad[result].1 = serde_json::to_vec(&r).unwrap();
    let bad = temp(
        "bad.jsonl",
        &support::write_record(&s.key, s.election_id, &bad, 4),
    );
    let out = bin()
        .args(["--json", "--no-batch"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["failures"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["step"] == "8.2"));

    let garbage = temp("garbage.jsonl", b"this is not a record\n");
    assert_eq!(bin().arg(&garbage).output().unwrap().status.code(), Some(2));
    assert_eq!(
        bin()
            .arg("/nonexistent/record")
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );

    let last_ballot = entries.iter().rposition(|(k, _)| k == "ballot").unwrap() as u64;
    let receipt = temp(
        "receipt.json",
        &serde_json::to_vec(&s.receipt(&entries, last_ballot, 4)).unwrap(),
    );
    let out = bin()
        .arg("receipt")
        .arg(&receipt)
        .arg("--record")
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = bin()
        .arg("receipt")
        .arg(&receipt)
        .arg("--record")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn since_an_earlier_json_report() {
    let s = support::honest();
    let entries = s.entries();
    let good = temp(
        "since-good.jsonl",
        &support::write_record(&s.key, s.election_id, &entries, 4),
    );
    let out = bin().arg("--json").arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = temp("since-report.json", &out.stdout);
    let out = bin()
        .args(["--json", "--since"])
        .arg(&report)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checked = json["steps"][4]["checked"].as_str().unwrap();
    assert!(checked.contains("verified by the earlier run"), "{checked}");
    // Not a report: the input cannot be read as one (exit code 2).
    let out = bin().arg("--since").arg(&good).arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
