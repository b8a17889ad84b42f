//! Replays every committed seed (`corpus/<target>/seed-*`) and every kept
//! crash input (`regressions/<target>/*`) through its target's checks, so
//! a fixed crash stays fixed with plain `cargo test` and no libFuzzer.

use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn replay(kind: &str, only_seeds: bool) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(kind);
    let mut n = 0;
    for (name, check) in psephos_fuzz::TARGETS {
        for path in inputs(&root.join(name)) {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            if only_seeds && !file.starts_with("seed-") {
                continue;
            }
            let data = std::fs::read(&path).expect("readable input");
            eprintln!("{name}: {}", path.display());
            check(&data);
            n += 1;
        }
    }
    n
}

#[test]
fn regression_inputs_pass() {
    let n = replay("regressions", false);
    eprintln!("{n} regression inputs replayed");
}

#[test]
fn seed_corpus_passes() {
    let n = replay("corpus", true);
    assert!(n >= psephos_fuzz::TARGETS.len(), "every target has seeds");
}

#[test]
fn every_target_has_a_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz_targets");
    for (name, _) in psephos_fuzz::TARGETS {
        assert!(dir.join(format!("{name}.rs")).is_file(), "{name}");
    }
}

/// The demo ballot seed is a valid ballot of the embedded demo manifest,
/// so the `ballot` target's mutations start from proofs that verify (the
/// seeds and `data/demo-manifest.json` come from one demo record).
#[test]
fn demo_ballot_seed_verifies_against_the_embedded_manifest() {
    use psephos_crypto::ballot::Ballot;
    use psephos_crypto::record::Manifest;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read(dir.join("data/demo-manifest.json")).expect("manifest");
    let m = Manifest::parse(&manifest).expect("demo manifest parses");
    let stmt = m
        .ballot_statement(Manifest::election_id_of(&manifest))
        .expect("statement");
    let bytes = std::fs::read(dir.join("corpus/ballot/seed-demo")).expect("seed");
    let b = Ballot::parse_canonical(&bytes).expect("canonical seed");
    let mut rng = rand_core::OsRng;
    b.verify(&stmt, &mut rng).expect("demo ballot verifies");
}
