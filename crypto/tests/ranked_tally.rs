//! The full ranked pipeline: encrypted ballots → homomorphic pairwise
//! matrix → decryption → Schulze, against the plaintext computation
//! (spec `ranked.md` §8, `results.md` §8–§10).

mod ranked_common;
mod threshold_support;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::dlog::DlogTable;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::generators::g;
use psephos_crypto::questions::ranked::{self, order, tally, EncryptedMatrix};
use psephos_crypto::results::{
    borda, copeland, schulze, DefaultOption, Majority, PairwiseMatrix, RankedBallot, RankedRules,
};
use psephos_crypto::threshold::combine;
use psephos_crypto::transcript::ProofContext;
use rand_core::RngCore;
use ranked_common::{ctx_with_secret, random_tiers, rng};

/// `m` from `mG` for `0 ≤ m ≤ bound` (tests: a linear scan is enough).
fn small_dlog(p: &RistrettoPoint, bound: u64) -> u64 {
    let mut acc = RistrettoPoint::default();
    for m in 0..=bound {
        if &acc == p {
            return m;
        }
        acc += g();
    }
    panic!("no discrete log below {bound}");
}

fn decrypt(matrix: &EncryptedMatrix, secret: &Scalar, bound: u64) -> PairwiseMatrix {
    let cells: Vec<u64> = matrix
        .cells()
        .iter()
        .map(|c| small_dlog(&c.decrypt_to_point(secret), bound))
        .collect();
    PairwiseMatrix::new(tally::rows_from_cells(matrix.options(), &cells).unwrap()).unwrap()
}

#[test]
fn encrypted_ballots_tally_to_the_plaintext_matrix_and_schulze_agrees() {
    let n = 5;
    let (ctx, secret) = ctx_with_secret(77);
    let mut r = rng(77);
    // A strong preference for option 3 among part of the voters, so that
    // Schulze has a clear but non-trivial answer, and random ballots.
    let mut ballots: Vec<RankedBallot> = (0..36)
        .map(|i| RankedBallot {
            weight: 1 + u64::from(r.next_u32() % 3),
            tiers: if i % 3 == 0 {
                vec![vec![3], vec![1]]
            } else {
                random_tiers(n, &mut r)
            },
        })
        .collect();
    ballots.push(RankedBallot {
        weight: 0,
        tiers: vec![vec![0], vec![1], vec![2]],
    });
    ballots.push(RankedBallot {
        weight: 2,
        tiers: vec![],
    });
    let mut matrix = EncryptedMatrix::new(n).unwrap();
    let (mut left, mut right) = (
        EncryptedMatrix::new(n).unwrap(),
        EncryptedMatrix::new(n).unwrap(),
    );
    for (i, b) in ballots.iter().enumerate() {
        let (answer, opening) = ranked::prove(&ctx, n, &b.tiers, &mut r).unwrap();
        ranked::verify(&ctx, n, &answer, &mut r).unwrap();
        assert_eq!(
            opening.tiers(n).unwrap(),
            order::canonical_tiers(n, &b.tiers).unwrap()
        );
        matrix.add(&answer, b.weight).unwrap();
        if i % 2 == 0 { &mut left } else { &mut right }
            .add(&answer, b.weight)
            .unwrap();
    }
    left.merge(&right).unwrap();
    assert_eq!(left, matrix);

    let total: u64 = ballots.iter().map(|b| b.weight).sum();
    let decrypted = decrypt(&matrix, &secret, total);
    let plain = PairwiseMatrix::from_ballots(n, &ballots).unwrap();
    assert_eq!(decrypted, plain);
    assert!(plain.rows().iter().flatten().any(|&v| v > 0));

    let none = RankedRules::none();
    assert_eq!(
        schulze(&decrypted, &none).unwrap(),
        schulze(&plain, &none).unwrap()
    );
    assert_eq!(copeland(&decrypted), copeland(&plain));
    assert_eq!(borda(&decrypted).unwrap(), borda(&plain).unwrap());
    let with_default = RankedRules {
        default_option: Some(DefaultOption::uniform(
            4,
            n,
            Some(3),
            Majority::ratio(3, 1).unwrap(),
        )),
    };
    let s = schulze(&decrypted, &with_default).unwrap();
    assert_eq!(s, schulze(&plain, &with_default).unwrap());
    assert!(!s.winners.is_empty());
}

#[test]
fn threshold_decryption_of_the_matrix_gives_the_same_schulze() {
    // A 2-of-3 ceremony; trustees 2 and 3 decrypt, trustee 1 is absent.
    let mut trng = threshold_support::rng(41);
    let (_, outcome, trustees) = threshold_support::honest(3, 2, &mut trng);
    let n = 6;
    let election_id = [0x41; 32];
    let mut r = rng(41);
    let mut matrix = EncryptedMatrix::new(n).unwrap();
    let mut ballots = Vec::new();
    for i in 0..24u64 {
        let ctx = ProofContext {
            election_id,
            election_key: (outcome.joint_key).into(),
            question_id: "ranked".into(),
            credential: (RistrettoPoint::random(&mut r)).into(),
        };
        let tiers = random_tiers(n, &mut r);
        let (answer, _) = ranked::prove(&ctx, n, &tiers, &mut r).unwrap();
        ranked::verify(&ctx, n, &answer, &mut r).unwrap();
        let weight = 1 + i % 4;
        matrix.add(&answer, weight).unwrap();
        ballots.push(RankedBallot { weight, tiers });
    }
    let cts = matrix.cells();
    let shares: Vec<_> = [&trustees[1], &trustees[2]]
        .iter()
        .map(|t| t.decrypt(&election_id, cts, &mut r))
        .collect();
    let combination = combine(&outcome, &election_id, cts, &shares, &mut r).unwrap();
    assert_eq!(combination.used, vec![2, 3]);
    let total: u64 = ballots.iter().map(|b| b.weight).sum();
    let cells = combination
        .vartime_totals(&DlogTable::new(total).unwrap())
        .unwrap();
    let decrypted = PairwiseMatrix::new(tally::rows_from_cells(n, &cells).unwrap()).unwrap();
    let plain = PairwiseMatrix::from_ballots(n, &ballots).unwrap();
    assert_eq!(decrypted, plain);
    let rules = RankedRules::none();
    assert_eq!(
        schulze(&decrypted, &rules).unwrap(),
        schulze(&plain, &rules).unwrap()
    );
}

#[test]
fn weights_scale_the_matrix() {
    let n = 3;
    let (ctx, secret) = ctx_with_secret(78);
    let mut r = rng(78);
    let (a, _) = ranked::prove(&ctx, n, &[vec![2], vec![0]], &mut r).unwrap();
    let mut m = EncryptedMatrix::new(n).unwrap();
    m.add(&a, 5).unwrap();
    m.add(&a, 1).unwrap();
    m.add(&a, 0).unwrap();
    let d = decrypt(&m, &secret, 6);
    assert_eq!(d.rows(), &[vec![0, 6, 0], vec![0, 0, 0], vec![6, 6, 0]]);
    assert_eq!(d.get(2, 0), Some(6));
    assert_eq!(
        m.get(2, 0).unwrap().decrypt_to_point(&secret),
        g() * Scalar::from(6u8)
    );
    assert!(m.get(1, 1).is_none() && m.get(3, 0).is_none());
}

#[test]
fn matrix_shapes_and_encoding_are_checked() {
    assert!(EncryptedMatrix::new(1).is_err());
    assert!(EncryptedMatrix::new(21).is_err());
    let (ctx, _) = ctx_with_secret(79);
    let (a, _) = ranked::prove(&ctx, 4, &[vec![1]], &mut rng(79)).unwrap();
    let mut m3 = EncryptedMatrix::new(3).unwrap();
    assert!(m3.add(&a, 1).is_err());
    let mut m4 = EncryptedMatrix::new(4).unwrap();
    m4.add(&a, 2).unwrap();
    assert!(m3.merge(&m4).is_err());
    let json = serde_json::to_string(&m4).unwrap();
    assert!(json.starts_with("{\"options\":4,\"cells\":["));
    let back: EncryptedMatrix = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m4);
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["options"] = 3.into();
    assert!(serde_json::from_value::<EncryptedMatrix>(v.clone()).is_err());
    v["options"] = 4.into();
    v["cells"].as_array_mut().unwrap().pop();
    assert!(serde_json::from_value::<EncryptedMatrix>(v.clone()).is_err());
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["extra"] = 1.into();
    assert!(serde_json::from_value::<EncryptedMatrix>(v).is_err());
    // The empty matrix holds the neutral ciphertexts, which encode fine.
    let empty = EncryptedMatrix::new(2).unwrap();
    assert!(empty.cells().iter().all(|c| *c == Ciphertext::zero()));
    let back: EncryptedMatrix =
        serde_json::from_str(&serde_json::to_string(&empty).unwrap()).unwrap();
    assert_eq!(back, empty);
    assert!(tally::rows_from_cells(3, &[0; 5]).is_err());
    assert!(EncryptedMatrix::from_cells(3, vec![Ciphertext::zero(); 5]).is_err());
}
