//! Every real Debian vote in `shared/data/debian/` (see its README): the
//! pairwise matrix recomputed from the individual ballots equals Debian's
//! published beat matrix, the options dropped for quorum and majority are the
//! ones devotee dropped, and the winner equals the official one, both by the
//! Schwartz-set procedure and by strongest paths (spec `results.md` §8–§11).

use std::collections::BTreeSet;
use std::path::PathBuf;

use psephos_crypto::results::{
    debian_schwartz, schulze, DefaultOption, DropReason, Majority, PairwiseMatrix, RankedBallot,
    RankedRules,
};
use serde_json::Value;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/debian")
}

fn vote_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("shared/data/debian must sit beside the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

struct Vote {
    name: String,
    options: Vec<String>,
    json: Value,
}

impl Vote {
    fn load(path: &PathBuf) -> Vote {
        let json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let options = json["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap().to_owned())
            .collect();
        Vote {
            name: path.file_stem().unwrap().to_string_lossy().into_owned(),
            options,
            json,
        }
    }

    fn index(&self, option: &Value) -> usize {
        let name = option.as_str().unwrap();
        self.options
            .iter()
            .position(|o| o == name)
            .unwrap_or_else(|| panic!("{}: unknown option {name}", self.name))
    }

    fn ballots(&self) -> Vec<RankedBallot> {
        self.json["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| RankedBallot {
                weight: b["count"].as_u64().unwrap(),
                tiers: b["ranking"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| {
                        t.as_array()
                            .unwrap()
                            .iter()
                            .map(|o| self.index(o))
                            .collect()
                    })
                    .collect(),
            })
            .collect()
    }

    fn rules(&self) -> RankedRules {
        let rules = &self.json["rules"];
        let default = self.index(&rules["default_option"]);
        // Debian's quorum is a real number R; N[A][D] >= R iff N[A][D] >= ceil(R).
        let quorum = rules["quorum"].as_f64().map(|q| q.ceil() as u64);
        let mut majorities = vec![None; self.options.len()];
        for (name, ratio) in rules["majority"].as_object().unwrap() {
            let o = self.index(&Value::String(name.clone()));
            majorities[o] = Some(Majority::ratio(ratio.as_u64().unwrap(), 1).unwrap());
        }
        RankedRules {
            default_option: Some(DefaultOption {
                option: default,
                quorum,
                majorities,
            }),
        }
    }

    /// 1-based option numbers devotee printed as "Dropping Option k because of
    /// Majority", when it printed its majority lines at all.
    fn official_majority_drops(&self) -> Option<BTreeSet<usize>> {
        let lines = self.json["official"]["majority_lines"].as_array()?;
        Some(
            lines
                .iter()
                .filter_map(|l| {
                    let l = l.as_str().unwrap();
                    let rest = l.strip_prefix("Dropping Option ")?;
                    let k: usize = rest.split_whitespace().next()?.parse().ok()?;
                    Some(k - 1)
                })
                .collect(),
        )
    }

    /// (option, V(A,D)) from devotee's "Option k Reached quorum: V > Q".
    fn official_quorum_votes(&self) -> Vec<(usize, u64)> {
        let Some(lines) = self.json["official"]["quorum_lines"].as_array() else {
            return Vec::new();
        };
        lines
            .iter()
            .map(|l| {
                let l = l.as_str().unwrap();
                let rest = l.strip_prefix("Option ").unwrap();
                let (k, rest) = rest.split_once(' ').unwrap();
                let v = rest
                    .strip_prefix("Reached quorum: ")
                    .unwrap_or_else(|| panic!("{}: {l}", self.name))
                    .split_whitespace()
                    .next()
                    .unwrap();
                (k.parse::<usize>().unwrap() - 1, v.parse().unwrap())
            })
            .collect()
    }
}

#[test]
fn all_seventeen_votes_are_present() {
    assert_eq!(vote_files().len(), 17, "{:?}", data_dir());
}

#[test]
fn pairwise_matrices_equal_the_published_beat_matrices() {
    let mut compared = 0;
    for path in vote_files() {
        let vote = Vote::load(&path);
        let ballots = vote.ballots();
        let total: u64 = ballots.iter().map(|b| b.weight).sum();
        assert_eq!(
            Some(total),
            vote.json["ballot_total"].as_u64(),
            "{}",
            vote.name
        );
        let m = PairwiseMatrix::from_ballots(vote.options.len(), &ballots).unwrap();
        let Some(official) = vote.json["official"]["beat_matrix"].as_array() else {
            continue;
        };
        let official: Vec<Vec<u64>> = official
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap_or(0))
                    .collect()
            })
            .collect();
        assert_eq!(m.rows(), official.as_slice(), "{}", vote.name);
        compared += 1;
    }
    assert_eq!(
        compared, 13,
        "the README promises 13 published beat matrices"
    );
}

#[test]
fn winners_equal_the_official_winners() {
    for path in vote_files() {
        let vote = Vote::load(&path);
        let m = PairwiseMatrix::from_ballots(vote.options.len(), &vote.ballots()).unwrap();
        let rules = vote.rules();
        let expected = vec![vote.index(&vote.json["official"]["winner"])];
        let d = debian_schwartz(&m, &rules).unwrap();
        assert_eq!(d.winners, expected, "{} (Debian procedure)", vote.name);
        let s = schulze(&m, &rules).unwrap();
        assert_eq!(s.winners, expected, "{} (strongest paths)", vote.name);
        assert_eq!(s.eligibility, d.eligibility, "{}", vote.name);
        // The ranking covers exactly the eligible options.
        let mut ranked: Vec<usize> = s.ranking.concat();
        ranked.sort_unstable();
        assert_eq!(ranked, s.eligibility.eligible, "{}", vote.name);
    }
}

#[test]
fn dropped_options_equal_devotees() {
    let mut checked = 0;
    for path in vote_files() {
        let vote = Vote::load(&path);
        let m = PairwiseMatrix::from_ballots(vote.options.len(), &vote.ballots()).unwrap();
        let rules = vote.rules();
        let e = schulze(&m, &rules).unwrap().eligibility;
        // No option of these votes failed the quorum; devotee's quorum lines
        // print V(A, D), which must equal our matrix.
        assert!(
            e.dropped
                .iter()
                .all(|d| matches!(d.reason, DropReason::Majority { .. })),
            "{}",
            vote.name
        );
        let default = rules.default_option.as_ref().unwrap().option;
        for (o, v) in vote.official_quorum_votes() {
            assert_eq!(m.get(o, default), Some(v), "{} option {o}", vote.name);
        }
        if let Some(official) = vote.official_majority_drops() {
            let ours: BTreeSet<usize> = e.dropped.iter().map(|d| d.option).collect();
            assert_eq!(ours, official, "{}", vote.name);
            checked += 1;
        }
    }
    assert_eq!(checked, 13, "devotee printed majority lines for 13 votes");
}

#[test]
fn default_option_wins_when_everything_is_dropped() {
    for name in ["debian-gr-2006-004", "debian-gr-2006-005"] {
        let vote = Vote::load(&data_dir().join(format!("{name}.json")));
        let m = PairwiseMatrix::from_ballots(vote.options.len(), &vote.ballots()).unwrap();
        let d = debian_schwartz(&m, &vote.rules()).unwrap();
        assert_eq!(d.eligibility.eligible, vec![1], "{name}");
        assert_eq!(d.winners, vec![1], "{name}");
        assert_eq!(d.rounds.len(), 1);
    }
}
