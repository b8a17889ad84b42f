//! Whole ballots: cast, verify, canonical bytes, signatures, binding
//! (spec protocol.md §10).

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::ballot::{tracking_code, Ballot, BallotStatement, PlainAnswer, QuestionShape};
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::generators::g;
use psephos_crypto::questions::choice::Choice;
use psephos_crypto::questions::score::{Score, Unrated};
use psephos_crypto::questions::yes_no::{YesNo, YesNoChoice};
use rand_core::OsRng;

fn statement() -> BallotStatement {
    BallotStatement {
        election_id: [3u8; 32],
        election_key: (g() * Scalar::random(&mut OsRng)).into(),
        questions: vec![
            (
                "q1".into(),
                QuestionShape::Linear(YesNo { abstain: true }.constraints()),
            ),
            (
                "q2".into(),
                QuestionShape::Linear(
                    Score {
                        options: 4,
                        max: 10,
                        unrated: Unrated::CountsAsMax,
                    }
                    .constraints(),
                ),
            ),
            (
                "q3".into(),
                QuestionShape::Linear(
                    Choice {
                        options: 3,
                        min: 1,
                        max: 1,
                    }
                    .constraints(),
                ),
            ),
        ],
    }
}

fn plain() -> Vec<PlainAnswer> {
    vec![
        PlainAnswer::Linear(YesNo { abstain: true }.encode(YesNoChoice::Yes).unwrap()),
        PlainAnswer::Linear(vec![0, 3, 10, 7]),
        PlainAnswer::Linear(
            Choice {
                options: 3,
                min: 1,
                max: 1,
            }
            .encode(&[2])
            .unwrap(),
        ),
    ]
}

#[test]
fn cast_verify_and_canonical_bytes() {
    let stmt = statement();
    let code = CredentialCode::generate(&mut OsRng);
    let key = code.signing_key(&stmt.election_id);
    let (ballot, openings) = Ballot::cast(&stmt, &key, &plain(), &mut OsRng).unwrap();
    assert_eq!(openings.len(), 3);
    ballot.verify(&stmt, &mut OsRng).unwrap();
    let bytes = ballot.to_bytes();
    let back = Ballot::parse_canonical(&bytes).unwrap();
    assert_eq!(back, ballot);
    assert_eq!(tracking_code(&bytes), tracking_code(&back.to_bytes()));
    // Whitespace, reordered fields, duplicate keys: not canonical, refused.
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(Ballot::parse_canonical(format!(" {text}").as_bytes()).is_err());
    let pretty = serde_json::to_vec_pretty(&ballot).unwrap();
    assert!(Ballot::parse_canonical(&pretty).is_err());
    let dup = text.replacen("{\"body\":{", "{\"body\":{\"spec_version\":1,", 1);
    assert!(Ballot::parse_canonical(dup.as_bytes()).is_err());
    assert!(Ballot::parse_canonical(&bytes[..bytes.len() - 1]).is_err());
}

#[test]
fn forged_and_moved_ballots_are_rejected() {
    let stmt = statement();
    let key = CredentialCode::generate(&mut OsRng).signing_key(&stmt.election_id);
    let other = CredentialCode::generate(&mut OsRng).signing_key(&stmt.election_id);
    let (ballot, _) = Ballot::cast(&stmt, &key, &plain(), &mut OsRng).unwrap();

    // Another credential re-signs the same answers: the proofs are bound to
    // the first credential.
    let mut stolen = ballot.clone();
    stolen.body.credential = other.public().into();
    let msg = serde_json::to_vec(&stolen.body).unwrap();
    stolen.signature = other.sign(&stmt.election_id, &msg, &mut OsRng);
    assert!(stolen.verify(&stmt, &mut OsRng).is_err());

    // The signature does not cover a changed body.
    let (second, _) = Ballot::cast(&stmt, &key, &plain(), &mut OsRng).unwrap();
    let mut mixed = ballot.clone();
    mixed.body.answers[1] = second.body.answers[1].clone();
    assert!(mixed.verify(&stmt, &mut OsRng).is_err());

    // Answers swapped between questions, a missing answer, another election.
    let mut swapped = ballot.clone();
    swapped.body.answers.swap(0, 2);
    assert!(swapped.verify(&stmt, &mut OsRng).is_err());
    let mut short = ballot.clone();
    short.body.answers.pop();
    assert!(short.verify(&stmt, &mut OsRng).is_err());
    let mut elsewhere = stmt.clone();
    elsewhere.election_id[5] ^= 1;
    assert!(ballot.verify(&elsewhere, &mut OsRng).is_err());
    let mut rekeyed = stmt.clone();
    rekeyed.election_key = RistrettoPoint::random(&mut OsRng).into();
    assert!(ballot.verify(&rekeyed, &mut OsRng).is_err());

    // A forged signature.
    let mut forged = ballot.clone();
    forged.signature.z += Scalar::ONE;
    assert!(forged.verify(&stmt, &mut OsRng).is_err());
}

#[test]
fn invalid_plaintexts_are_refused_at_cast() {
    let stmt = statement();
    let key = CredentialCode::generate(&mut OsRng).signing_key(&stmt.election_id);
    let mut p = plain();
    p[1] = PlainAnswer::Linear(vec![0, 3, 11, 7]);
    assert!(Ballot::cast(&stmt, &key, &p, &mut OsRng).is_err());
    assert!(Ballot::cast(&stmt, &key, &plain()[..2], &mut OsRng).is_err());
}

#[test]
fn body_bytes_are_the_signed_message() {
    let stmt = statement();
    let key = CredentialCode::generate(&mut OsRng).signing_key(&stmt.election_id);
    let (ballot, _) = Ballot::cast(&stmt, &key, &plain(), &mut OsRng).unwrap();
    let bytes = ballot.to_bytes();
    assert_eq!(
        Ballot::body_bytes(&bytes).unwrap(),
        ballot.signed_message().as_slice()
    );
    assert!(Ballot::body_bytes(b"{\"x\":1}").is_none());
}
