//! Threshold decryption (spec `threshold.md` §10–§12): random t-of-n
//! ceremonies and random subsets of at least t trustees decrypt weighted
//! homomorphic sums to the plaintext sums; forged shares are rejected and
//! named while t honest ones still complete the combination.

mod threshold_support;

use curve25519_dalek::scalar::Scalar;
use proptest::collection::vec;
use proptest::prelude::*;
use psephos_crypto::dlog::DlogTable;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::generators::g;
use psephos_crypto::proofs::dleq;
use psephos_crypto::threshold::decryption::decryption_transcript;
use psephos_crypto::threshold::*;
use psephos_crypto::CryptoError;
use threshold_support::*;

type Ballot = (u64, Vec<u64>);

prop_compose! {
    fn case()(n in 1u32..=7)(
        n in Just(n),
        t in 1..=n,
        order in Just((1..=n).collect::<Vec<u32>>()).prop_shuffle(),
        extra in 0u32..7,
        seed in any::<u8>(),
        values in 1usize..=3,
        ballots in vec((1u64..=5, vec(0u64..=50, 3)), 1..=6),
    ) -> (u32, u32, Vec<u32>, u8, usize, Vec<Ballot>) {
        let k = t + extra % (n - t + 1);
        (n, t, order[..k as usize].to_vec(), seed, values, ballots)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn subsets_decrypt_weighted_sums((n, t, subset, seed, values, ballots) in case()) {
        let mut r = rng(seed);
        let (_, outcome, shares) = honest(n, t, &mut r);
        let mut tally = vec![Ciphertext::zero(); values];
        let mut expected = vec![0u64; values];
        for (w, ms) in &ballots {
            for v in 0..values {
                let (ct, _) = Ciphertext::encrypt(&outcome.joint_key, ms[v], &mut r);
                tally[v] += ct.scale(*w);
                expected[v] += w * ms[v];
            }
        }
        let eid = [seed; 32];
        let ds: Vec<_> = subset.iter().map(|&j| shares[j as usize - 1].decrypt(&eid, &tally, &mut r)).collect();
        let comb = combine(&outcome, &eid, &tally, &ds, &mut r).unwrap();
        prop_assert!(comb.rejected.is_empty());
        prop_assert_eq!(comb.used.len(), t as usize);
        prop_assert!(comb.used.iter().all(|j| subset.contains(j)));
        let totals = comb.vartime_totals(&DlogTable::new(6 * 5 * 50).unwrap()).unwrap();
        prop_assert_eq!(totals, expected);
        // Fewer than t shares never suffice.
        if t > 1 {
            let err = combine(&outcome, &eid, &tally, &ds[..t as usize - 1], &mut r).unwrap_err();
            prop_assert_eq!(err, CryptoError::ThresholdNotMet { needed: t, got: t - 1 });
        }
    }
}

struct Setup {
    outcome: CeremonyOutcome,
    shares: Vec<TrusteeShare>,
    tally: Vec<Ciphertext>,
}

fn setup(seed: u8) -> Setup {
    let mut r = rng(seed);
    let (_, outcome, shares) = honest(5, 3, &mut r);
    let tally = (0..10u64)
        .map(|m| Ciphertext::encrypt(&outcome.joint_key, m * 1000, &mut r).0)
        .collect();
    Setup {
        outcome,
        shares,
        tally,
    }
}

const EID: [u8; 32] = [0x44; 32];

fn expected() -> Vec<u64> {
    (0..10).map(|m| m * 1000).collect()
}

#[test]
fn forged_share_is_named_and_t_honest_complete() {
    let mut r = rng(30);
    let s = setup(30);
    let mut ds: Vec<_> = s
        .shares
        .iter()
        .map(|x| x.decrypt(&EID, &s.tally, &mut r))
        .collect();
    // Trustee 2 knows x₂ and proves a shifted share with the right transcript.
    let x2 = secret_of(&s.shares[1]);
    let ct = s.tally[4];
    let statement = dleq::DleqStatement {
        x: *s.shares[1].verification_key(),
        a: ct.r,
        d: ct.r * x2 + g(),
    };
    let proof = dleq::prove(
        &mut decryption_transcript(&EID, &s.outcome.joint_key, 2, &ct),
        &x2,
        &statement,
        &mut r,
    );
    ds[1].values[4] = PartialDecryption {
        share: statement.d,
        proof,
    };
    // Trustee 4 reuses value 0's share and proof for value 1.
    ds[3].values[1] = ds[3].values[0];
    let comb = combine(&s.outcome, &EID, &s.tally, &ds, &mut r).unwrap();
    assert_eq!(
        comb.rejected,
        vec![
            RejectedShare {
                trustee: 2,
                reason: ShareRejection::InvalidProof
            },
            RejectedShare {
                trustee: 4,
                reason: ShareRejection::InvalidProof
            },
        ]
    );
    assert_eq!(comb.used, vec![1, 3, 5]);
    assert_eq!(
        comb.vartime_totals(&DlogTable::new(10_000).unwrap())
            .unwrap(),
        expected()
    );
    // With only two honest shares left, the threshold is not met.
    let err = combine(&s.outcome, &EID, &s.tally, &ds[..4], &mut r).unwrap_err();
    assert_eq!(err, CryptoError::ThresholdNotMet { needed: 3, got: 2 });
}

#[test]
fn malformed_duplicate_and_unknown_shares_are_named() {
    let mut r = rng(31);
    let s = setup(31);
    let d = |j: usize, r: &mut _| s.shares[j - 1].decrypt(&EID, &s.tally, r);
    let mut wrong_election = s.shares[0].decrypt(&[1; 32], &s.tally, &mut r);
    wrong_election.election_id = EID;
    let mut short = d(2, &mut r);
    short.values.pop();
    let mut unknown = d(3, &mut r);
    unknown.trustee = 9;
    let ds = vec![
        wrong_election,
        short,
        unknown,
        d(3, &mut r),
        d(3, &mut r),
        d(4, &mut r),
        d(5, &mut r),
    ];
    let comb = combine(&s.outcome, &EID, &s.tally, &ds, &mut r).unwrap();
    let got: Vec<_> = comb
        .rejected
        .iter()
        .map(|x| (x.trustee, x.reason))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, ShareRejection::InvalidProof),
            (2, ShareRejection::Malformed),
            (3, ShareRejection::Duplicate),
            (9, ShareRejection::UnknownTrustee),
        ]
    );
    assert_eq!(comb.used, vec![3, 4, 5]);
    assert_eq!(
        comb.vartime_totals(&DlogTable::new(10_000).unwrap())
            .unwrap(),
        expected()
    );
}

#[test]
fn more_than_t_and_empty_tally() {
    let mut r = rng(32);
    let s = setup(32);
    let cts = [Ciphertext::zero(), s.tally[3]];
    let ds: Vec<_> = s
        .shares
        .iter()
        .rev()
        .map(|x| x.decrypt(&EID, &cts, &mut r))
        .collect();
    let comb = combine(&s.outcome, &EID, &cts, &ds, &mut r).unwrap();
    assert_eq!(comb.used, vec![1, 2, 3]);
    assert_eq!(
        comb.vartime_totals(&DlogTable::new(5000).unwrap()).unwrap(),
        vec![0, 3000]
    );
    // An empty tally's share must be the identity too.
    let mut bad = ds.clone();
    bad[0].values[0].share = g();
    let comb = combine(&s.outcome, &EID, &cts, &bad, &mut r).unwrap();
    assert_eq!(comb.rejected.len(), 1);
    assert_eq!(comb.rejected[0].trustee, 5);
}

#[test]
fn per_share_and_batch_verification_agree() {
    let mut r = rng(33);
    let s = setup(33);
    let ds: Vec<_> = s
        .shares
        .iter()
        .map(|x| x.decrypt(&EID, &s.tally, &mut r))
        .collect();
    let mut batch = psephos_crypto::msm::Msm::new();
    for share in &ds {
        let x = s.outcome.verification_key(share.trustee).unwrap();
        verify_decryption_share(&EID, &s.outcome.joint_key, x, &s.tally, share, &mut r).unwrap();
        verify_decryption_share_into(
            &EID,
            &s.outcome.joint_key,
            x,
            &s.tally,
            share,
            &mut batch,
            &mut r,
        )
        .unwrap();
    }
    assert!(batch.vartime_is_zero());
    let mut tampered = ds[2].clone();
    tampered.values[9].proof.z += Scalar::ONE;
    let x = s.outcome.verification_key(3).unwrap();
    verify_decryption_share_into(
        &EID,
        &s.outcome.joint_key,
        x,
        &s.tally,
        &tampered,
        &mut batch,
        &mut r,
    )
    .unwrap();
    assert!(!batch.vartime_is_zero());
}
