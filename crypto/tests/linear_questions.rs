//! Linear answers: honest proofs verify; cheating provers, tampered fields
//! and proofs moved to another context are rejected (spec protocol.md §7–§8).

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use proptest::prelude::*;
use psephos_crypto::elgamal::{Ciphertext, Randomness};
use psephos_crypto::generators::g;
use psephos_crypto::questions::choice::Choice;
use psephos_crypto::questions::linear::{self, Bounds, LinearAnswer, LinearConstraints, Statement};
use psephos_crypto::questions::score::{Score, Unrated};
use psephos_crypto::questions::yes_no::{YesNo, YesNoChoice};
use psephos_crypto::transcript::ProofContext;
use psephos_crypto::CryptoError;
use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, SeedableRng};

fn ctx() -> (ProofContext, Scalar) {
    let x = Scalar::random(&mut OsRng);
    let ctx = ProofContext {
        election_id: [7u8; 32],
        election_key: (g() * x).into(),
        question_id: "q1".into(),
        credential: (RistrettoPoint::random(&mut OsRng)).into(),
    };
    (ctx, x)
}

fn sc10() -> Score {
    Score {
        options: 10,
        max: 10,
        unrated: Unrated::CountsAsMax,
    }
}

fn honest(ctx: &ProofContext, cons: &LinearConstraints, values: &[u64]) -> LinearAnswer {
    let (a, _) = linear::prove(ctx, cons, values, &mut OsRng).unwrap();
    linear::verify(ctx, cons, &a, &mut OsRng).unwrap();
    a
}

/// A prover that really tries: it encrypts and commits to `values` as they
/// are and builds every proof as an honest prover would.
fn cheat(ctx: &ProofContext, cons: &LinearConstraints, values: &[u64]) -> LinearAnswer {
    let r: Vec<Randomness> = values
        .iter()
        .map(|_| Randomness::random(&mut OsRng))
        .collect();
    let s: Vec<Scalar> = values.iter().map(|_| Scalar::random(&mut OsRng)).collect();
    linear::prove_with(ctx, cons, values, &r, &s, &mut OsRng).unwrap()
}

/// Rejected by the per-proof verifier, and by the batch path (whose range
/// coefficients are folded onto the commitments) alike.
fn rejected(ctx: &ProofContext, cons: &LinearConstraints, a: &LinearAnswer) -> bool {
    let single = linear::verify(ctx, cons, a, &mut OsRng).is_err();
    let mut batch = psephos_crypto::batch::Batch::new();
    let batched = linear::verify_into_batch(ctx, cons, a, &mut batch, &mut OsRng).is_err()
        || !batch.vartime_is_zero();
    assert_eq!(
        single, batched,
        "the batch and the per-proof verifier disagree"
    );
    single
}

#[test]
fn every_kind_verifies_and_decrypts() {
    let (ctx, x) = ctx();
    let yn = YesNo { abstain: true };
    for c in [YesNoChoice::Yes, YesNoChoice::No, YesNoChoice::Abstain] {
        let v = yn.encode(c).unwrap();
        let a = honest(&ctx, &yn.constraints(), &v);
        for (ct, m) in a.ciphertexts.iter().zip(&v) {
            assert_eq!(ct.ciphertext().decrypt_to_point(&x), g() * Scalar::from(*m));
        }
    }
    let approval = Choice {
        options: 5,
        min: 0,
        max: 5,
    };
    honest(
        &ctx,
        &approval.constraints(),
        &approval.encode(&[]).unwrap(),
    );
    honest(
        &ctx,
        &approval.constraints(),
        &approval.encode(&[0, 1, 2, 3, 4]).unwrap(),
    );
    let three = Choice {
        options: 6,
        min: 3,
        max: 3,
    };
    honest(
        &ctx,
        &three.constraints(),
        &three.encode(&[1, 3, 5]).unwrap(),
    );
    let sc = sc10();
    let v = sc
        .encode(&[
            Some(0),
            Some(10),
            None,
            Some(3),
            Some(7),
            Some(1),
            Some(2),
            Some(9),
            Some(10),
            Some(5),
        ])
        .unwrap();
    assert_eq!(v[2], 10);
    honest(&ctx, &sc.constraints(), &v);
}

#[test]
fn statement_elision() {
    let single = Choice {
        options: 10,
        min: 1,
        max: 1,
    }
    .constraints();
    // 10 lower bounds, upper bounds implied by the sum, both sum bounds.
    assert_eq!(single.statements().len(), 12);
    assert!(!single.statements().contains(&Statement::Upper(0)));
    let approval = Choice {
        options: 10,
        min: 0,
        max: 10,
    }
    .constraints();
    assert_eq!(approval.statements().len(), 20);
    assert!(!approval.statements().contains(&Statement::SumUpper));
    assert_eq!(sc10().constraints().statements().len(), 20);
    let yn = YesNo { abstain: true }.constraints();
    assert_eq!(
        yn.statements(),
        vec![
            Statement::Lower(0),
            Statement::Lower(1),
            Statement::Lower(2),
            Statement::SumLower,
            Statement::SumUpper
        ]
    );
}

#[test]
fn out_of_range_cheaters_are_rejected() {
    let (ctx, _) = ctx();
    let sc = sc10().constraints();
    // Resistance 11.
    assert!(rejected(
        &ctx,
        &sc,
        &cheat(&ctx, &sc, &[11, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    ));
    // A "negative" value: −1 as the field element ℓ−1 has no u64 form; the
    // cheater encrypts 2⁶⁴−1, the wrap-around of −1.
    assert!(rejected(
        &ctx,
        &sc,
        &cheat(&ctx, &sc, &[u64::MAX, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    ));
    // Two Yes marks, and a Yes together with a No.
    let yn = YesNo { abstain: true }.constraints();
    assert!(rejected(&ctx, &yn, &cheat(&ctx, &yn, &[2, 0, 0])));
    assert!(rejected(&ctx, &yn, &cheat(&ctx, &yn, &[1, 1, 0])));
    assert!(rejected(&ctx, &yn, &cheat(&ctx, &yn, &[0, 0, 0])));
    // k+1 approvals, and a single choice with a 2 in it.
    let three = Choice {
        options: 6,
        min: 0,
        max: 3,
    }
    .constraints();
    assert!(rejected(
        &ctx,
        &three,
        &cheat(&ctx, &three, &[1, 1, 1, 1, 0, 0])
    ));
    let single = Choice {
        options: 4,
        min: 1,
        max: 1,
    }
    .constraints();
    assert!(rejected(
        &ctx,
        &single,
        &cheat(&ctx, &single, &[2, 0, 0, u64::MAX])
    ));
}

#[test]
fn negative_value_as_field_element_is_rejected() {
    // The strongest cheater for "−1": encrypt and commit to the scalar −1
    // directly, compensate in another value so the sum looks right, and prove
    // the range statements with the bits the u64 prover can produce.
    let (ctx, _) = ctx();
    let yn = YesNo { abstain: false }.constraints();
    // values (2, −1): sum 1. Encrypt them by hand.
    let vals = [Scalar::from(2u64), -Scalar::ONE];
    let r: Vec<Randomness> = vals
        .iter()
        .map(|_| Randomness::random(&mut OsRng))
        .collect();
    let honest_shape = cheat(&ctx, &yn, &[1, 0]);
    let mut forged = honest_shape.clone();
    for (j, m) in vals.iter().enumerate() {
        forged.ciphertexts[j] = Ciphertext::encrypt_with(&ctx.election_key, m, &r[j]).into();
    }
    assert!(rejected(&ctx, &yn, &forged));
}

#[test]
fn proofs_are_bound_to_their_context() {
    let (ctx, _) = ctx();
    let sc = sc10().constraints();
    let a = honest(&ctx, &sc, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    let mut other = ctx.clone();
    other.election_id[0] ^= 1;
    assert!(rejected(&other, &sc, &a), "another election");
    let mut other = ctx.clone();
    other.question_id = "q2".into();
    assert!(rejected(&other, &sc, &a), "another question");
    let mut other = ctx.clone();
    other.credential = RistrettoPoint::random(&mut OsRng).into();
    assert!(rejected(&other, &sc, &a), "another credential");
    let mut other = ctx.clone();
    other.election_key = RistrettoPoint::random(&mut OsRng).into();
    assert!(rejected(&other, &sc, &a), "another key");
    let wider = Score { max: 11, ..sc10() }.constraints();
    assert!(rejected(&ctx, &wider, &a), "another question shape");
}

#[test]
fn tampered_fields_are_rejected() {
    let (ctx, _) = ctx();
    let cons = YesNo { abstain: true }.constraints();
    let a = honest(&ctx, &cons, &[0, 1, 0]);
    let p = RistrettoPoint::random(&mut OsRng);
    let mut t = a.clone();
    t.ciphertexts[0].c += g();
    assert!(rejected(&ctx, &cons, &t), "plaintext shifted");
    let mut t = a.clone();
    t.ciphertexts.swap(0, 1);
    assert!(rejected(&ctx, &cons, &t), "swapped ciphertexts");
    let mut t = a.clone();
    t.commitments[2] = p.into();
    assert!(rejected(&ctx, &cons, &t), "commitment replaced");
    let mut t = a.clone();
    t.link.z_m += Scalar::ONE;
    assert!(rejected(&ctx, &cons, &t), "link response");
    let mut t = a.clone();
    t.link.a_v = p.into();
    assert!(rejected(&ctx, &cons, &t), "link commitment");
    let mut t = a.clone();
    t.range[100] ^= 1;
    assert!(rejected(&ctx, &cons, &t), "range proof byte");
    let mut t = a.clone();
    t.range.truncate(t.range.len() - 32);
    assert!(rejected(&ctx, &cons, &t), "range proof truncated");
    let mut t = a.clone();
    t.ciphertexts.pop();
    t.commitments.pop();
    assert!(matches!(
        linear::verify(&ctx, &cons, &t, &mut OsRng),
        Err(CryptoError::Shape(_))
    ));
    // Re-encrypting the same plaintext (a server trying to swap a ballot for
    // an equivalent one) breaks the proof.
    let mut t = a.clone();
    let (z, _) = Ciphertext::encrypt(&ctx.election_key, 0, &mut OsRng);
    t.ciphertexts[1] = (t.ciphertexts[1].ciphertext() + z).into();
    assert!(rejected(&ctx, &cons, &t), "re-randomised");
}

#[test]
fn serde_round_trip_and_strictness() {
    let (ctx, _) = ctx();
    let cons = YesNo { abstain: false }.constraints();
    let a = honest(&ctx, &cons, &[1, 0]);
    let json = serde_json::to_string(&a).unwrap();
    let back: LinearAnswer = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    linear::verify(&ctx, &cons, &back, &mut OsRng).unwrap();
    // Uppercase hex, unknown fields and an identity commitment are refused.
    assert!(serde_json::from_str::<LinearAnswer>(&json.to_uppercase()).is_err());
    let extra = json.replacen('{', "{\"x\":1,", 1);
    assert!(serde_json::from_str::<LinearAnswer>(&extra).is_err());
    let v0 = psephos_crypto::encoding::point_hex(&a.commitments[0]);
    let ident = json.replace(&v0, &"0".repeat(64));
    assert!(serde_json::from_str::<LinearAnswer>(&ident).is_err());
}

#[test]
fn opening_checks() {
    let (ctx, _) = ctx();
    let cons = sc10().constraints();
    let (a, opening) = linear::prove(&ctx, &cons, &[3; 10], &mut OsRng).unwrap();
    linear::check_opening(&ctx.election_key, &cons, &a, &opening).unwrap();
    let mut lie = opening.clone();
    lie.values[0] = 4;
    assert!(linear::check_opening(&ctx.election_key, &cons, &a, &lie).is_err());
}

#[test]
fn prover_refuses_invalid_plaintexts() {
    let (ctx, _) = ctx();
    let cons = LinearConstraints {
        values: vec![Bounds { lo: 0, hi: 1 }; 2],
        sum: Some(Bounds { lo: 1, hi: 1 }),
    };
    assert!(matches!(
        linear::prove(&ctx, &cons, &[1, 1], &mut OsRng),
        Err(CryptoError::InvalidPlaintext(_))
    ));
    assert!(YesNo { abstain: false }
        .encode(YesNoChoice::Abstain)
        .is_err());
    assert!(Choice {
        options: 3,
        min: 1,
        max: 2
    }
    .encode(&[0, 0])
    .is_err());
    assert!(Choice {
        options: 3,
        min: 1,
        max: 2
    }
    .encode(&[0, 1, 2])
    .is_err());
    assert!(Score {
        unrated: Unrated::Refused,
        ..sc10()
    }
    .encode(&[None; 10])
    .is_err());
    assert!(sc10().encode(&[Some(11); 10]).is_err());
}

#[test]
fn seeded_prover_is_deterministic() {
    let (ctx, _) = ctx();
    let cons = sc10().constraints();
    let a = linear::prove(&ctx, &cons, &[5; 10], &mut ChaCha20Rng::seed_from_u64(1))
        .unwrap()
        .0;
    let b = linear::prove(&ctx, &cons, &[5; 10], &mut ChaCha20Rng::seed_from_u64(1))
        .unwrap()
        .0;
    assert_eq!(a, b);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn random_valid_score_answers_verify_and_sum(
        ballots in prop::collection::vec(prop::collection::vec(0u64..=10, 4), 1..5),
        weights in prop::collection::vec(1u64..5, 5),
    ) {
        let (ctx, x) = ctx();
        let cons = Score { options: 4, max: 10, unrated: Unrated::CountsAsMax }.constraints();
        let mut total = vec![Ciphertext::zero(); 4];
        let mut expect = [0u64; 4];
        for (b, w) in ballots.iter().zip(&weights) {
            let (a, _) = linear::prove(&ctx, &cons, b, &mut OsRng).unwrap();
            prop_assert!(linear::verify(&ctx, &cons, &a, &mut OsRng).is_ok());
            for j in 0..4 {
                total[j] += a.ciphertexts[j].ciphertext().scale(*w);
                expect[j] += b[j] * w;
            }
        }
        for j in 0..4 {
            prop_assert_eq!(total[j].decrypt_to_point(&x), g() * Scalar::from(expect[j]));
        }
    }
}

#[test]
fn combined_check_agrees_with_reference() {
    let (ctx, _) = ctx();
    let cons = sc10().constraints();
    let a = honest(&ctx, &cons, &[4; 10]);
    assert!(linear::verify_reference(&ctx, &cons, &a, &mut OsRng).is_ok());
    type Tamper = fn(&mut LinearAnswer);
    let tampers: [(&str, Tamper); 6] = [
        ("z_m", |t| t.link.z_m += Scalar::ONE),
        ("z_r", |t| t.link.z_r += Scalar::ONE),
        ("z_s", |t| t.link.z_s += Scalar::ONE),
        ("A_R", |t| t.link.a_r += g()),
        ("A_C", |t| t.link.a_c = t.link.a_v),
        ("A_V", |t| t.link.a_v += g()),
    ];
    for (name, tamper) in tampers {
        let mut t = a.clone();
        tamper(&mut t);
        assert!(
            linear::verify_reference(&ctx, &cons, &t, &mut OsRng).is_err(),
            "{name}"
        );
        assert!(
            linear::verify(&ctx, &cons, &t, &mut OsRng).is_err(),
            "{name}"
        );
    }
    for j in 0..10 {
        let mut t = a.clone();
        t.ciphertexts[j].r += g();
        assert!(
            linear::verify_reference(&ctx, &cons, &t, &mut OsRng).is_err(),
            "R{j}"
        );
        assert!(linear::verify(&ctx, &cons, &t, &mut OsRng).is_err(), "R{j}");
    }
}
