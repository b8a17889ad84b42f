//! Benchmarks of ranked answers (spec `ranked.md` §10): prove and verify
//! one ballot for n = 5, 10, 15, a batch of sigma proofs through one Msm,
//! and the pieces that the cost comparison of §6.5 rests on. Proof sizes
//! are printed before the timings.
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use psephos_crypto::generators::{g, h};
use psephos_crypto::msm::Msm;
use psephos_crypto::proofs::range;
use psephos_crypto::questions::ranked::{self, or3, order, RankedAnswer};
use psephos_crypto::transcript::ProofContext;
use rand_core::OsRng;

fn ctx() -> ProofContext {
    ProofContext {
        election_id: [7; 32],
        election_key: (g() * Scalar::random(&mut OsRng)).into(),
        question_id: "bench".into(),
        credential: (RistrettoPoint::random(&mut OsRng)).into(),
    }
}

/// A strict order with an unlisted tail: the largest rank differences.
fn tiers(n: usize) -> Vec<Vec<usize>> {
    (0..n - 1).rev().map(|o| vec![o]).collect()
}

fn raw_bytes(a: &RankedAnswer) -> (usize, usize, usize) {
    let points = 2 * a.ciphertexts.len() + a.commitments.len() + a.ranks.len() + 3 + 6 * a.or.len();
    let scalars = 3 + 8 * a.or.len();
    (points, scalars, 32 * (points + scalars) + a.range.len())
}

fn sizes() {
    for n in [5usize, 10, 15, 20] {
        let c = ctx();
        let (a, _) = ranked::prove(&c, n, &tiers(n), &mut OsRng).unwrap();
        let json = serde_json::to_vec(&a).unwrap().len();
        let (points, scalars, raw) = raw_bytes(&a);
        let link = 192;
        let or = 448 * a.or.len();
        println!(
            "ranked n={n}: JSON {json} B, raw {raw} B ({points} points, {scalars} scalars, range {} B; \
             statement {} B, link {link} B, OR {or} B)",
            a.range.len(),
            32 * (2 * a.ciphertexts.len() + a.commitments.len() + a.ranks.len())
        );
    }
}

fn prove_verify(c: &mut Criterion) {
    sizes();
    let mut group = c.benchmark_group("ranked");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for n in [5usize, 10, 15] {
        let cx = ctx();
        let t = tiers(n);
        group.bench_function(format!("prove/{n}"), |b| {
            b.iter(|| ranked::prove(&cx, n, &t, &mut OsRng).unwrap())
        });
        let (a, _) = ranked::prove(&cx, n, &t, &mut OsRng).unwrap();
        group.bench_function(format!("verify/{n}"), |b| {
            b.iter(|| ranked::verify(&cx, n, &a, &mut OsRng).unwrap())
        });
    }
    // Batch: the sigma equations of 8 ballots in one Msm, range proofs one by one.
    let n = 10;
    let batch: Vec<(ProofContext, RankedAnswer)> = (0..8)
        .map(|_| {
            let cx = ctx();
            let (a, _) = ranked::prove(&cx, n, &tiers(n), &mut OsRng).unwrap();
            (cx, a)
        })
        .collect();
    group.bench_function("verify_batch8/10", |b| {
        b.iter(|| {
            let mut msm = Msm::new();
            for (cx, a) in &batch {
                let mut t = ranked::verify_into(cx, n, a, &mut msm, &mut OsRng).unwrap();
                let w = ranked::derived_commitments(n, &a.commitments, &a.ranks).unwrap();
                range::verify(&mut t, ranked::RANGE_BITS, &w, &a.range, &mut OsRng).unwrap();
            }
            assert!(msm.vartime_is_zero());
        })
    });
    group.finish();
}

/// The pieces of the cost comparison (spec §6.5) at n = 10: the OR proofs
/// of 45 pairs, and one 8-bit range proof over 45, 90 and 225 statements
/// (one per unordered pair, the design's two, or bits by range only).
fn pieces(c: &mut Criterion) {
    let mut group = c.benchmark_group("ranked-pieces");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let pairs = order::unordered_len(10);
    let witnesses: Vec<or3::Or3Witness> = (0..pairs)
        .map(|i| or3::Or3Witness {
            branch: (i % 3) as u8,
            s1: Scalar::random(&mut OsRng),
            s2: Scalar::random(&mut OsRng),
        })
        .collect();
    let statements: Vec<(RistrettoPoint, RistrettoPoint)> = witnesses
        .iter()
        .map(|w| {
            let (x, y) = or3::BRANCHES[w.branch as usize];
            (
                g() * Scalar::from(x) + h() * w.s1,
                g() * Scalar::from(y) + h() * w.s2,
            )
        })
        .collect();
    group.bench_function("or3_prove/45", |b| {
        b.iter(|| {
            or3::prove(
                &mut Transcript::new(b"b"),
                &statements,
                &witnesses,
                &mut OsRng,
            )
            .unwrap()
        })
    });
    let proofs = or3::prove(
        &mut Transcript::new(b"b"),
        &statements,
        &witnesses,
        &mut OsRng,
    )
    .unwrap();
    group.bench_function("or3_verify/45", |b| {
        b.iter(|| {
            let mut msm = Msm::new();
            or3::verify_into(
                &mut Transcript::new(b"b"),
                &statements,
                &proofs,
                &mut msm,
                &mut OsRng,
            )
            .unwrap();
            assert!(msm.vartime_is_zero());
        })
    });
    for m in [45usize, 90, 225] {
        let openings: Vec<(u64, Scalar)> = (0..m)
            .map(|i| ((i % 20) as u64, Scalar::random(&mut OsRng)))
            .collect();
        group.bench_function(format!("range_prove/{m}"), |b| {
            b.iter(|| range::prove(&mut Transcript::new(b"r"), 8, &openings, &mut OsRng).unwrap())
        });
        let (p, comms) =
            range::prove(&mut Transcript::new(b"r"), 8, &openings, &mut OsRng).unwrap();
        let w: Vec<RistrettoPoint> = comms[..m].iter().map(|c| c.decompress().unwrap()).collect();
        println!("range proof over {m} statements: {} B", p.len());
        group.bench_function(format!("range_verify/{m}"), |b| {
            b.iter_batched(
                || Transcript::new(b"r"),
                |mut t| range::verify(&mut t, 8, &w, &p, &mut OsRng).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, prove_verify, pieces);
criterion_main!(benches);
