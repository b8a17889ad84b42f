//! Batch verification agrees with the per-proof reference
//! (spec protocol.md §5.4, §6.2).

use curve25519_dalek::scalar::Scalar;
use proptest::prelude::*;
use psephos_crypto::ballot::{Ballot, BallotStatement, PlainAnswer, QuestionShape};
use psephos_crypto::batch::Batch;
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::generators::g;
use psephos_crypto::questions::score::{Score, Unrated};
use psephos_crypto::questions::yes_no::YesNo;
use rand_core::OsRng;

fn statement() -> BallotStatement {
    BallotStatement {
        election_id: [8u8; 32],
        election_key: (g() * Scalar::random(&mut OsRng)).into(),
        questions: vec![
            (
                "sc".into(),
                QuestionShape::Linear(
                    Score {
                        options: 10,
                        max: 10,
                        unrated: Unrated::CountsAsMax,
                    }
                    .constraints(),
                ),
            ),
            (
                "yn".into(),
                QuestionShape::Linear(YesNo { abstain: true }.constraints()),
            ),
            // 16-bit statements beside the 8-bit ones.
            (
                "budget".into(),
                QuestionShape::Linear(
                    Score {
                        options: 3,
                        max: 1000,
                        unrated: Unrated::Refused,
                    }
                    .constraints(),
                ),
            ),
            ("rank".into(), QuestionShape::Ranked { options: 4 }),
        ],
    }
}

fn ballot(stmt: &BallotStatement, i: u64) -> Ballot {
    let key = CredentialCode::generate(&mut OsRng).signing_key(&stmt.election_id);
    let plain = vec![
        PlainAnswer::Linear((0..10).map(|j| (i + j) % 11).collect()),
        PlainAnswer::Linear(vec![0, 1, 0]),
        PlainAnswer::Linear(vec![i * 7 % 1001, 1000, 0]),
        PlainAnswer::Ranked(vec![
            vec![(i % 4) as usize],
            vec![((i + 1) % 4) as usize, ((i + 2) % 4) as usize],
        ]),
    ];
    Ballot::cast(stmt, &key, &plain, &mut OsRng).unwrap().0
}

fn batch_ok(stmt: &BallotStatement, ballots: &[Ballot]) -> bool {
    let mut batch = Batch::new();
    for b in ballots {
        if b.verify_into_batch(stmt, &mut batch, &mut OsRng).is_err() {
            return false;
        }
    }
    batch.vartime_is_zero()
}

#[test]
fn honest_ballots_pass_in_one_batch_and_merged() {
    let stmt = statement();
    let ballots: Vec<Ballot> = (0..4).map(|i| ballot(&stmt, i)).collect();
    for b in &ballots {
        b.verify(&stmt, &mut OsRng).unwrap();
    }
    assert!(batch_ok(&stmt, &ballots));
    let mut merged = Batch::new();
    for b in &ballots {
        let mut one = Batch::new();
        b.verify_into_batch(&stmt, &mut one, &mut OsRng).unwrap();
        assert!(one.vartime_is_zero());
        merged.merge(one);
    }
    assert!(merged.vartime_is_zero());
}

#[test]
fn one_bad_proof_fails_the_batch() {
    use psephos_crypto::ballot::AnswerProof;
    let stmt = statement();
    let mut ballots: Vec<Ballot> = (0..3).map(|i| ballot(&stmt, i)).collect();
    // A forged signature, a shifted commitment, a range-proof scalar.
    let mut forged = ballots[1].clone();
    forged.signature.z += Scalar::ONE;
    let mut shifted = ballots[1].clone();
    if let AnswerProof::Linear(a) = &mut shifted.body.answers[0].proof {
        a.commitments[3] += g();
    }
    let mut scalar = ballots[1].clone();
    if let AnswerProof::Ranked(a) = &mut scalar.body.answers[3].proof {
        a.range[4 * 32] ^= 1; // t_x of the first chunk
    }
    for bad in [forged, shifted, scalar] {
        assert!(bad.verify(&stmt, &mut OsRng).is_err());
        ballots[1] = bad;
        assert!(!batch_ok(&stmt, &ballots));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Flipping any bit of any range proof is caught by both paths alike.
    #[test]
    fn range_tampering_agrees_with_reference(question in 0usize..4, pos in 0usize..2000, bit in 0u8..8) {
        use psephos_crypto::ballot::AnswerProof;
        let stmt = statement();
        let mut b = ballot(&stmt, 5);
        let range = match &mut b.body.answers[question].proof {
            AnswerProof::Linear(a) => &mut a.range,
            AnswerProof::Ranked(a) => &mut a.range,
        };
        let at = pos % range.len();
        range[at] ^= 1 << bit;
        let reference = b.verify(&stmt, &mut OsRng).is_ok();
        let batched = batch_ok(&stmt, std::slice::from_ref(&b));
        prop_assert_eq!(reference, batched);
        prop_assert!(!batched);
    }
}
