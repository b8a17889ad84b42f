//! Ranked answers: completeness over every weak order, binding to the
//! context, tampering, shapes and encodings (spec `ranked.md`).

mod ranked_common;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use psephos_crypto::batch::Batch;
use psephos_crypto::elgamal::Randomness;
use psephos_crypto::generators::g;
use psephos_crypto::msm::Msm;
use psephos_crypto::proofs::range;
use psephos_crypto::questions::ranked::{self, order, RankedAnswer, RankedOpening};
use psephos_crypto::CryptoError;
use ranked_common::{all_weak_orders, ctx, random_tiers, rng, tiers_of};

/// Proves and verifies one weak order given by helper ranks, optionally
/// leaving the last tier unlisted, and checks the opening.
fn prove_and_check(n: usize, ranks: &[u64], drop_last: bool, seed: u64) {
    let c = ctx(seed);
    let mut r = rng(seed);
    let mut tiers = tiers_of(ranks);
    if drop_last && tiers.len() > 1 {
        tiers.pop();
    }
    let (answer, opening) = ranked::prove(&c, n, &tiers, &mut r).unwrap();
    assert_eq!(opening.bits, order::bits_from_ranks(n, ranks));
    ranked::verify(&c, n, &answer, &mut r).unwrap_or_else(|e| panic!("n={n} {tiers:?}: {e}"));
    let opened = ranked::check_opening(&c.election_key, n, &answer, &opening).unwrap();
    assert_eq!(opened, order::canonical_tiers(n, &tiers).unwrap());
    assert_eq!(opened, order::canonical_tiers(n, &tiers_of(ranks)).unwrap());
}

#[test]
fn every_weak_order_up_to_four_options_proves_and_verifies() {
    let mut count = 0;
    for n in 2..=4 {
        for (i, ranks) in all_weak_orders(n).iter().enumerate() {
            prove_and_check(n, ranks, i % 2 == 1, (n * 1000 + i) as u64);
            count += 1;
        }
    }
    assert_eq!(count, 3 + 13 + 75);
}

fn five_options_part(part: usize) {
    let orders = all_weak_orders(5);
    assert_eq!(orders.len(), 541);
    for (i, ranks) in orders.iter().enumerate().filter(|(i, _)| i % 2 == part) {
        prove_and_check(5, ranks, i % 4 >= 2, 5000 + i as u64);
    }
}

#[test]
fn every_weak_order_of_five_options_proves_and_verifies_even() {
    five_options_part(0);
}

#[test]
fn every_weak_order_of_five_options_proves_and_verifies_odd() {
    five_options_part(1);
}

#[test]
fn sample_of_the_weak_orders_of_six_options_proves_and_verifies() {
    // Every 16th of the 4683 weak orders of six options, plus the extremes
    // (all tied, a strict order); ranked_soundness checks all 4683 without
    // proofs.
    let orders = all_weak_orders(6);
    assert_eq!(orders.len(), 4683);
    let mut sample: Vec<usize> = (0..orders.len()).step_by(16).collect();
    let strict = orders
        .iter()
        .position(|r| r == &[5, 4, 3, 2, 1, 0])
        .unwrap();
    sample.extend([0, strict, orders.len() - 1]);
    for i in sample {
        prove_and_check(6, &orders[i], i % 3 == 0, 6000 + i as u64);
    }
}

#[test]
fn random_weak_orders_up_to_twenty_options_prove_and_verify() {
    let mut r = rng(20);
    for n in 6..=20 {
        let reps = if n <= 12 { 2 } else { 1 };
        for rep in 0..reps {
            let c = ctx((n * 10 + rep) as u64);
            let tiers = random_tiers(n, &mut r);
            let (answer, opening) = ranked::prove(&c, n, &tiers, &mut r).unwrap();
            ranked::verify(&c, n, &answer, &mut r)
                .unwrap_or_else(|e| panic!("n={n} {tiers:?}: {e}"));
            let opened = ranked::check_opening(&c.election_key, n, &answer, &opening).unwrap();
            assert_eq!(opened, order::canonical_tiers(n, &tiers).unwrap());
        }
    }
    // The strict order of 20 options has the largest rank differences.
    let c = ctx(2020);
    let strict: Vec<Vec<usize>> = (0..20).rev().map(|o| vec![o]).collect();
    let (answer, _) = ranked::prove(&c, 20, &strict, &mut r).unwrap();
    ranked::verify(&c, 20, &answer, &mut r).unwrap();
}

fn sample_answer(
    n: usize,
    seed: u64,
) -> (
    psephos_crypto::transcript::ProofContext,
    RankedAnswer,
    RankedOpening,
) {
    let c = ctx(seed);
    let tiers = vec![vec![1], vec![0, n - 1]];
    let (a, o) = ranked::prove(&c, n, &tiers, &mut rng(seed)).unwrap();
    (c, a, o)
}

#[test]
fn proof_is_bound_to_election_question_credential_key_and_size() {
    let (c, a, _) = sample_answer(4, 7);
    let mut r = rng(8);
    ranked::verify(&c, 4, &a, &mut r).unwrap();
    let mut other = c.clone();
    other.election_id[0] ^= 1;
    assert!(ranked::verify(&other, 4, &a, &mut r).is_err());
    let mut other = c.clone();
    other.question_id.push('x');
    assert!(ranked::verify(&other, 4, &a, &mut r).is_err());
    let mut other = c.clone();
    other.credential += g();
    assert!(ranked::verify(&other, 4, &a, &mut r).is_err());
    let mut other = c.clone();
    other.election_key += g();
    assert!(ranked::verify(&other, 4, &a, &mut r).is_err());
    for n in [0, 1, 3, 5, 21] {
        assert!(ranked::verify(&c, n, &a, &mut r).is_err());
    }
}

/// A named change to an answer.
type Mutation = (&'static str, Box<dyn Fn(&mut RankedAnswer)>);

#[test]
fn tampered_fields_are_rejected() {
    let n = 4;
    let (c, a, _) = sample_answer(n, 9);
    let mut r = rng(10);
    let g = g();
    let mutations: Vec<Mutation> = vec![
        ("ciphertext R", Box::new(move |a| a.ciphertexts[3].r += g)),
        ("ciphertext C", Box::new(move |a| a.ciphertexts[3].c += g)),
        (
            "ciphertexts swapped",
            Box::new(|a| a.ciphertexts.swap(0, 1)),
        ),
        ("commitment", Box::new(move |a| a.commitments[5] += g)),
        (
            "commitments swapped",
            Box::new(|a| a.commitments.swap(0, 3)),
        ),
        ("one rank shifted", Box::new(move |a| a.ranks[1] += g)),
        (
            "all ranks shifted",
            Box::new(move |a| a.ranks.iter_mut().for_each(|p| *p += g)),
        ),
        ("ranks swapped", Box::new(|a| a.ranks.swap(0, 2))),
        ("link A_V", Box::new(move |a| a.link.a_v += g)),
        ("link z_m", Box::new(|a| a.link.z_m += Scalar::ONE)),
        (
            "link commitments swapped",
            Box::new(|a| std::mem::swap(&mut a.link.a_c, &mut a.link.a_v)),
        ),
        ("or c0", Box::new(|a| a.or[1].c0 += Scalar::ONE)),
        ("or c1", Box::new(|a| a.or[1].c1 -= Scalar::ONE)),
        ("or a1", Box::new(move |a| a.or[2].branches[1].a1 += g)),
        ("or z2", Box::new(|a| a.or[0].branches[2].z2 += Scalar::ONE)),
        (
            "or branches swapped",
            Box::new(|a| a.or[3].branches.swap(0, 1)),
        ),
        ("or proofs swapped", Box::new(|a| a.or.swap(0, 5))),
        ("range byte 0", Box::new(|a| a.range[0] ^= 1)),
        (
            "range middle byte",
            Box::new(|a| {
                let m = a.range.len() / 2;
                a.range[m] ^= 0x10
            }),
        ),
        (
            "range last byte",
            Box::new(|a| *a.range.last_mut().unwrap() ^= 1),
        ),
        (
            "range truncated",
            Box::new(|a| a.range.truncate(a.range.len() - 32)),
        ),
        ("range extended", Box::new(|a| a.range.extend([0u8; 32]))),
        ("range empty", Box::new(|a| a.range.clear())),
        (
            "ciphertext missing",
            Box::new(|a| {
                a.ciphertexts.pop();
            }),
        ),
        (
            "commitment missing",
            Box::new(|a| {
                a.commitments.pop();
            }),
        ),
        (
            "or proof missing",
            Box::new(|a| {
                a.or.pop();
            }),
        ),
        ("extra rank", Box::new(move |a| a.ranks.push(g.into()))),
        (
            "rank missing",
            Box::new(|a| {
                a.ranks.pop();
            }),
        ),
        (
            "identity commitment",
            Box::new(|a| a.commitments[0] = RistrettoPoint::identity().into()),
        ),
        (
            "identity rank",
            Box::new(|a| a.ranks[0] = RistrettoPoint::identity().into()),
        ),
        (
            "identity ciphertext",
            Box::new(|a| a.ciphertexts[0].r = RistrettoPoint::identity().into()),
        ),
        (
            "identity or commitment",
            Box::new(|a| a.or[0].branches[0].a2 = RistrettoPoint::identity().into()),
        ),
        (
            "everything empty",
            Box::new(|a| {
                a.ciphertexts.clear();
                a.commitments.clear();
                a.ranks.clear();
                a.or.clear();
            }),
        ),
    ];
    // The batch path folds every derived commitment onto the D and P it is
    // made of: it must refuse exactly what the reference refuses.
    let batched = |t: &RankedAnswer, r: &mut _| {
        let mut b = Batch::new();
        ranked::verify_into_batch(&c, n, t, &mut b, r).is_ok() && b.vartime_is_zero()
    };
    for (what, m) in mutations {
        let mut t = a.clone();
        m(&mut t);
        assert!(
            ranked::verify(&c, n, &t, &mut r).is_err(),
            "{what} accepted"
        );
        assert!(!batched(&t, &mut r), "{what} accepted by the batch");
    }
    // The untouched answer still verifies (the mutations worked on copies).
    ranked::verify(&c, n, &a, &mut r).unwrap();
    assert!(batched(&a, &mut r));
}

#[test]
fn json_round_trip_is_strict() {
    let (c, a, o) = sample_answer(3, 11);
    let json = serde_json::to_string(&a).unwrap();
    let back: RankedAnswer = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    ranked::verify(&c, 3, &back, &mut rng(1)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["ciphertexts", "commitments", "link", "or", "range", "ranks"]
    );

    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        f(&mut v);
        serde_json::from_value::<RankedAnswer>(v)
    };
    assert!(with(&|v| {
        v["extra"] = 1.into();
    })
    .is_err());
    assert!(with(&|v| {
        v["or"][0]["extra"] = 1.into();
    })
    .is_err());
    assert!(with(&|v| {
        v["or"][0]["branches"][0]["extra"] = 1.into();
    })
    .is_err());
    assert!(with(&|v| {
        v.as_object_mut().unwrap().remove("ranks");
    })
    .is_err());
    let upper = value["commitments"][0].as_str().unwrap().to_uppercase();
    assert!(with(&|v| {
        v["commitments"][0] = upper.clone().into();
    })
    .is_err());
    let identity = "00".repeat(32);
    assert!(with(&|v| {
        v["ranks"][1] = identity.clone().into();
    })
    .is_err());
    assert!(with(&|v| {
        v["or"][0]["branches"][0]["a1"] = identity.clone().into();
    })
    .is_err());
    assert!(with(&|v| {
        v["or"][0]["branches"].as_array_mut().unwrap().pop();
    })
    .is_err());
    assert!(with(&|v| {
        v["or"][0]["c0"] = "ff".repeat(32).into();
    })
    .is_err());
    assert!(with(&|v| {
        v["range"] = "abc".into();
    })
    .is_err());

    let oj = serde_json::to_string(&o).unwrap();
    let ob: RankedOpening = serde_json::from_str(&oj).unwrap();
    assert_eq!(ob, o);
    assert_eq!(format!("{o:?}"), "RankedOpening(<secret>)");
    assert_eq!(ob.tiers(3).unwrap(), vec![vec![1], vec![0, 2]]);
}

#[test]
fn prover_rejects_bad_plaintexts_and_shapes() {
    let c = ctx(12);
    let mut r = rng(12);
    for (n, tiers) in [
        (4, vec![vec![4]]),
        (4, vec![vec![1], vec![1]]),
        (4, vec![vec![1, 2, 1]]),
        (4, vec![vec![0], vec![]]),
        (1, vec![]),
        (21, vec![]),
        (0, vec![]),
    ] {
        assert!(
            ranked::prove(&c, n, &tiers, &mut r).is_err(),
            "{n} {tiers:?}"
        );
    }
    // All options tied (nothing listed) is a valid, empty ranking.
    let (a, o) = ranked::prove(&c, 4, &[], &mut r).unwrap();
    ranked::verify(&c, 4, &a, &mut r).unwrap();
    assert!(o.bits.iter().all(|&d| d == 0));
    let k = order::ordered_len(3);
    let zeros = vec![Scalar::ZERO; k];
    let rs: Vec<Randomness> = (0..k).map(|_| Randomness::random(&mut r)).collect();
    let e = ranked::prove_with(
        &c,
        3,
        &zeros,
        &zeros[..3],
        &rs,
        &zeros[..k - 1],
        &zeros[..3],
        &mut r,
    );
    assert!(matches!(e, Err(CryptoError::Shape(_))));
}

#[test]
fn opening_checks_everything() {
    let n = 4;
    let (c, a, o) = sample_answer(n, 13);
    let key = c.election_key;
    assert_eq!(
        ranked::check_opening(&key, n, &a, &o).unwrap(),
        vec![vec![1], vec![0, 3], vec![2]]
    );
    let fails = |f: &dyn Fn(&mut RankedOpening)| {
        let mut t = o.clone();
        f(&mut t);
        ranked::check_opening(&key, n, &a, &t).is_err()
    };
    assert!(fails(&|t| t.bits[0] ^= 1));
    assert!(fails(&|t| t.bits[0] = 2));
    assert!(fails(&|t| t.r[4] += Scalar::ONE));
    assert!(fails(&|t| t.s[4] += Scalar::ONE));
    assert!(fails(&|t| t.ranks[3] += 1));
    assert!(fails(&|t| t.t[3] += Scalar::ONE));
    assert!(fails(&|t| {
        t.bits.pop();
    }));
    assert!(fails(&|t| {
        t.t.pop();
    }));
    assert!(ranked::check_opening(&(*key + g()), n, &a, &o).is_err());
    assert!(ranked::check_opening(&key, n + 1, &a, &o).is_err());

    // Valid bits with helper ranks that do not fit them: every other check
    // passes, the rank test does not (and neither does the range proof).
    let k = order::ordered_len(n);
    let mut r = rng(14);
    let bits = order::bits_from_ranks(n, &[0, 1, 2, 3]);
    let bit_scalars: Vec<Scalar> = bits.iter().map(|&d| Scalar::from(d)).collect();
    let rs: Vec<Randomness> = (0..k).map(|_| Randomness::random(&mut r)).collect();
    let ss: Vec<Scalar> = (0..k).map(|_| Scalar::random(&mut r)).collect();
    let ts: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut r)).collect();
    let ranks = vec![Scalar::ZERO; n];
    let bad = ranked::prove_with(&c, n, &bit_scalars, &ranks, &rs, &ss, &ts, &mut r).unwrap();
    assert_eq!(
        ranked::verify(&c, n, &bad, &mut r),
        Err(CryptoError::InvalidProof("range"))
    );
    let opening = RankedOpening {
        bits,
        r: rs.iter().map(|x| x.0).collect(),
        s: ss,
        ranks: vec![0; n],
        t: ts,
    };
    assert!(matches!(
        ranked::check_opening(&key, n, &bad, &opening),
        Err(CryptoError::InvalidPlaintext(_))
    ));
}

#[test]
fn batch_of_answers_through_verify_into() {
    let mut r = rng(15);
    let n = 5;
    let answers: Vec<_> = (0..4)
        .map(|i| {
            let c = ctx(100 + i);
            let (a, _) = ranked::prove(&c, n, &random_tiers(n, &mut r), &mut r).unwrap();
            (c, a)
        })
        .collect();
    let batch = |answers: &[(psephos_crypto::transcript::ProofContext, RankedAnswer)],
                 r: &mut _| {
        let mut msm = Msm::new();
        let mut ranges_ok = true;
        for (c, a) in answers {
            let mut t = ranked::verify_into(c, n, a, &mut msm, r).unwrap();
            let w = ranked::derived_commitments(n, &a.commitments, &a.ranks).unwrap();
            ranges_ok &= range::verify(&mut t, ranked::RANGE_BITS, &w, &a.range, r).is_ok();
        }
        msm.vartime_is_zero() && ranges_ok
    };
    assert!(batch(&answers, &mut r));
    let mut bad = answers.clone();
    bad[2].1.or[3].branches[0].z1 += Scalar::ONE;
    assert!(!batch(&bad, &mut r));
    let mut bad = answers.clone();
    bad[1].1.link.z_s += Scalar::ONE;
    assert!(!batch(&bad, &mut r));
}
