//! specs/threats.md cites its tests by name; this keeps the citations true.
//! In the test column of every row (up to its "Not covered" or "Open"
//! part), each backticked `path::name` must be a function `name` in that
//! file, each backticked path must exist, and each bare test-like name
//! (`snake_case` with an underscore) must be a function somewhere in the
//! workspace's Rust sources.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for e in read.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            if !name.starts_with('.') && !name.starts_with("target") && name != "node_modules" {
                rust_sources(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

/// `fn name(`, `fn name<` or `async fn name(` in `text`.
fn defines(text: &str, name: &str) -> bool {
    let needle = format!("fn {name}");
    text.match_indices(&needle).any(|(i, _)| {
        matches!(
            text[i + needle.len()..].chars().next(),
            Some('(') | Some('<')
        )
    })
}

fn is_test_name(t: &str) -> bool {
    t.contains('_')
        && t.len() > 8
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[test]
fn every_test_cited_in_the_threat_model_exists() {
    let root = root();
    let doc = std::fs::read_to_string(root.join("specs/threats.md")).unwrap();
    let mut sources = Vec::new();
    for d in [
        "crypto",
        "bulletin-board",
        "ballot-server",
        "verifier",
        "trustee",
        "booth/wasm",
    ] {
        rust_sources(&root.join(d), &mut sources);
    }
    let texts: Vec<String> = sources
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut rows = 0;
    let mut checked = 0;
    let mut missing = Vec::new();
    for line in doc.lines().filter(|l| l.starts_with("| T")) {
        rows += 1;
        let cells: Vec<&str> = line.split(" | ").collect();
        assert!(cells.len() >= 4, "row with fewer than 4 columns: {line}");
        let id = cells[0].trim_start_matches("| ");
        let mut tests = cells[3];
        for stop in ["Not covered", "Open"] {
            if let Some(i) = tests.find(stop) {
                tests = &tests[..i];
            }
        }
        let tokens: Vec<&str> = tests.split('`').skip(1).step_by(2).collect();
        let id_has_test = !tokens.is_empty();
        if !id_has_test && !cells[2].starts_with("Open") && !cells[3].contains("Open") {
            missing.push(format!("{id}: no test and not marked Open"));
        }
        for t in tokens {
            if let Some((path, name)) = t.split_once("::").filter(|(p, _)| p.ends_with(".rs")) {
                let text = std::fs::read_to_string(root.join(path)).unwrap_or_default();
                checked += 1;
                if !defines(&text, name) {
                    missing.push(format!("{id}: {path}::{name}"));
                }
            } else if t.contains('/') && !t.contains(' ') {
                checked += 1;
                if !root.join(t).exists() {
                    missing.push(format!("{id}: no file {t}"));
                }
            } else if is_test_name(t) {
                checked += 1;
                if !texts.iter().any(|x| defines(x, t)) {
                    missing.push(format!("{id}: {t}"));
                }
            }
        }
    }
    assert!(rows >= 20, "only {rows} threat rows");
    assert!(checked >= 60, "only {checked} citations checked");
    assert!(missing.is_empty(), "cited but not found: {missing:#?}");
    // The checker can fail: a name that is nowhere.
    assert!(!texts
        .iter()
        .any(|x| defines(x, "no_such_test_of_the_threat_model")));
}
