//! The whole cryptographic pipeline of a round, every question kind:
//! manifest → 2-of-3 ceremony → signed ballots (weights, a revote, an audit)
//! → encrypted tally → threshold decryption → results, compared with the
//! plaintext computation.

mod threshold_support;

use std::collections::BTreeMap;

use psephos_crypto::ballot::{Ballot, PlainAnswer};
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::dlog::DlogTable;
use psephos_crypto::questions::ranked::order::bits_from_tiers;
use psephos_crypto::questions::score::Unrated;
use psephos_crypto::record::manifest::{
    CeremonyRef, Question, QuestionKind, RankedDefault, RevotePolicy, Schedule,
};
use psephos_crypto::record::{
    compute_outcome, total_bound, AuditedBallot, CredentialEntry, CredentialList, EncryptedTally,
    Manifest, Outcome,
};
use psephos_crypto::results::{Majority, PairwiseMatrix, RankedBallot, YesNoOutcome, YesNoRules};
use psephos_crypto::threshold::combine;
use rand_core::{OsRng, RngCore};

fn text(s: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("en".to_string(), s.to_string())])
}

fn question(id: &str, options: &[&str], kind: QuestionKind) -> Question {
    Question::in_english(id, id, options, kind)
}

fn manifest(key: curve25519_dalek::ristretto::RistrettoPoint) -> Manifest {
    Manifest {
        spec_version: 1,
        election: "amv-test".into(),
        title: text("Test round"),
        questions: vec![
            question(
                "proposal",
                &["yes", "no", "abstain"],
                QuestionKind::YesNo {
                    rules: YesNoRules {
                        quorum: None,
                        majority: Majority::simple(),
                    },
                },
            ),
            question(
                "chair",
                &["ana", "ben", "cem"],
                QuestionKind::Choice {
                    min: 1,
                    max: 1,
                    seats: 1,
                },
            ),
            question(
                "tools",
                &["wiki", "chat", "forum", "mail"],
                QuestionKind::Approval {
                    min: 0,
                    max: 4,
                    seats: 2,
                },
            ),
            question(
                "venue",
                &["north", "south"],
                QuestionKind::Score {
                    max: 5,
                    unrated: Unrated::CountsAsMax,
                },
            ),
            question(
                "budget",
                &["status-quo", "plan-a", "plan-b"],
                QuestionKind::SystemicConsensus {
                    max_resistance: 10,
                    passive_solution: Some("status-quo".into()),
                    unrated: Unrated::CountsAsMax,
                },
            ),
            question(
                "logo",
                &["red", "green", "blue", "none"],
                QuestionKind::Ranked {
                    default_option: Some(RankedDefault {
                        option: "none".into(),
                        quorum: None,
                        majorities: BTreeMap::from([(
                            "red".to_string(),
                            Majority::ratio(3, 1).unwrap(),
                        )]),
                    }),
                },
            ),
        ],
        election_key: key,
        ceremony: CeremonyRef {
            ceremony_id: [0xc3; 32],
            threshold: 2,
            trustees: 3,
        },
        board_key: [9; 32],
        schedule: Schedule {
            opens_at: 1_800_000_000,
            closes_at: 1_800_086_400,
        },
        revote: RevotePolicy::LastCounts,
    }
}

fn random_plain(rng: &mut impl RngCore) -> Vec<PlainAnswer> {
    let r = |rng: &mut dyn RngCore, n: u32| (rng.next_u32() % n) as u64;
    let mut yes_no = vec![0; 3];
    yes_no[r(rng, 3) as usize] = 1;
    let mut chair = vec![0; 3];
    chair[r(rng, 3) as usize] = 1;
    let tools = (0..4).map(|_| r(rng, 2)).collect();
    let venue = (0..2).map(|_| r(rng, 6)).collect();
    let budget = (0..3).map(|_| r(rng, 11)).collect();
    let mut order = [0usize, 1, 2, 3];
    for i in (1..4).rev() {
        order.swap(i, r(rng, i as u32 + 1) as usize);
    }
    // A weak order: the first two tied when the coin says so, the last unranked.
    let tiers = if r(rng, 2) == 0 {
        vec![vec![order[0], order[1]], vec![order[2]]]
    } else {
        vec![vec![order[0]], vec![order[1]], vec![order[2]]]
    };
    vec![
        PlainAnswer::Linear(yes_no),
        PlainAnswer::Linear(chair),
        PlainAnswer::Linear(tools),
        PlainAnswer::Linear(venue),
        PlainAnswer::Linear(budget),
        PlainAnswer::Ranked(tiers),
    ]
}

#[test]
fn full_round_every_kind() {
    let mut rng = threshold_support::rng(5);
    let (_, ceremony, trustees) = threshold_support::honest(3, 2, &mut rng);
    let bytes = manifest(ceremony.joint_key).to_bytes();
    let m = Manifest::parse(&bytes).unwrap();
    let election_id = Manifest::election_id_of(&bytes);
    let stmt = m.ballot_statement(election_id).unwrap();

    // Voters with weights 1..3; voter 0 votes twice (the second counts).
    let voters: Vec<(CredentialCode, u64)> = (0..12)
        .map(|i| (CredentialCode::generate(&mut OsRng), 1 + i % 3))
        .collect();
    let list = CredentialList::new(
        election_id,
        voters
            .iter()
            .map(|(c, w)| CredentialEntry {
                credential: c.signing_key(&election_id).public(),
                weight: *w,
            })
            .collect(),
    );
    list.validate(&election_id).unwrap();

    let mut counted: Vec<(Ballot, u64, Vec<PlainAnswer>)> = Vec::new();
    for (i, (code, w)) in voters.iter().enumerate() {
        let key = code.signing_key(&election_id);
        let plain = random_plain(&mut rng);
        let (ballot, openings) = Ballot::cast(&stmt, &key, &plain, &mut OsRng).unwrap();
        let ballot = Ballot::parse_canonical(&ballot.to_bytes()).unwrap();
        ballot.verify(&stmt, &mut OsRng).unwrap();
        if i == 0 {
            // Audited, then a revote: the audit opens to the plaintext, and
            // only the later ballot is counted.
            let audited = AuditedBallot::new(ballot, openings);
            let opened = audited.check(&stmt, &mut OsRng).unwrap();
            assert_eq!(&opened[..5], &plain[..5]);
            let plain = random_plain(&mut rng);
            let (again, _) = Ballot::cast(&stmt, &key, &plain, &mut OsRng).unwrap();
            counted.push((again, *w, plain));
        } else {
            counted.push((ballot, *w, plain));
        }
    }

    let mut tally = EncryptedTally::empty(&stmt);
    for (b, w, _) in &counted {
        tally.add(b, *w).unwrap();
    }
    tally.check_form(&stmt).unwrap();
    let cts = tally.ciphertexts();

    // Trustees 1 and 3 decrypt; trustee 2 is absent.
    let shares: Vec<_> = [&trustees[0], &trustees[2]]
        .iter()
        .map(|t| t.decrypt(&election_id, &cts, &mut OsRng))
        .collect();
    let combination = combine(&ceremony, &election_id, &cts, &shares, &mut OsRng).unwrap();
    assert_eq!(combination.used, vec![1, 3]);
    let weight = tally.weight;
    let bound = m
        .questions
        .iter()
        .map(|q| total_bound(q, weight))
        .max()
        .unwrap();
    let table = DlogTable::new(bound).unwrap();
    let totals = combination.vartime_totals(&table).unwrap();

    // Plaintext sums.
    let mut offset = 0;
    for (qi, q) in m.questions.iter().enumerate() {
        let len = tally.questions[qi].totals.len();
        let got = &totals[offset..offset + len];
        offset += len;
        let mut expect = vec![0u64; len];
        let mut ranked = Vec::new();
        for (_, w, plain) in &counted {
            match &plain[qi] {
                PlainAnswer::Linear(v) => v.iter().zip(&mut expect).for_each(|(x, e)| *e += x * w),
                PlainAnswer::Ranked(t) => {
                    let bits = bits_from_tiers(4, t).unwrap();
                    bits.iter().zip(&mut expect).for_each(|(x, e)| *e += x * w);
                    ranked.push(RankedBallot {
                        weight: *w,
                        tiers: t.clone(),
                    });
                }
            }
        }
        assert_eq!(got, expect.as_slice(), "question {}", q.id);
        let outcome = compute_outcome(q, got, weight, list.total_weight()).unwrap();
        match outcome {
            Outcome::YesNo(r) => {
                let yes_wins = 2 * got[0] > got[0] + got[1];
                assert_eq!(r.outcome == YesNoOutcome::Accepted, yes_wins);
            }
            Outcome::Ranked(r) => {
                let plain = PairwiseMatrix::from_ballots(4, &ranked).unwrap();
                assert_eq!(r.matrix, plain);
                let direct =
                    psephos_crypto::results::schulze(&plain, &q.ranked_rules().unwrap()).unwrap();
                assert_eq!(r.schulze, direct);
            }
            Outcome::SystemicConsensus(r) => {
                let least = *got.iter().min().unwrap();
                assert!(r.winners.iter().all(|&w| got[w] == least));
            }
            _ => {}
        }
    }
    assert_eq!(offset, totals.len());
}
