//! Criterion benchmarks of the linear answers and ballot signatures.
//!
//! `verify` is the production path (all linking equations of the answer in
//! one random linear combination); `verify_reference` evaluates each
//! equation on its own — the naive path, measured in the same run.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::generators::g;
use psephos_crypto::questions::linear::{self, LinearConstraints};
use psephos_crypto::questions::score::{Score, Unrated};
use psephos_crypto::questions::yes_no::YesNo;
use psephos_crypto::transcript::ProofContext;
use rand_core::OsRng;

fn ctx() -> ProofContext {
    ProofContext {
        election_id: [9u8; 32],
        election_key: (g() * Scalar::random(&mut OsRng)).into(),
        question_id: "q".into(),
        credential: (RistrettoPoint::random(&mut OsRng)).into(),
    }
}

fn linear_kind(c: &mut Criterion, name: &str, cons: LinearConstraints, values: Vec<u64>) {
    let ctx = ctx();
    let mut group = c.benchmark_group(format!("linear/{name}"));
    group.sample_size(30);
    group.bench_function("encrypt_and_prove", |b| {
        b.iter(|| linear::prove(&ctx, &cons, &values, &mut OsRng).unwrap())
    });
    let (answer, _) = linear::prove(&ctx, &cons, &values, &mut OsRng).unwrap();
    group.bench_function("verify", |b| {
        b.iter(|| linear::verify(&ctx, &cons, &answer, &mut OsRng).unwrap())
    });
    group.bench_function("verify_reference", |b| {
        b.iter(|| linear::verify_reference(&ctx, &cons, &answer, &mut OsRng).unwrap())
    });
    group.finish();
}

fn linear_answers(c: &mut Criterion) {
    let sc = Score {
        options: 10,
        max: 10,
        unrated: Unrated::CountsAsMax,
    };
    linear_kind(
        c,
        "systemic_consensus_10",
        sc.constraints(),
        vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 10],
    );
    let yn = YesNo { abstain: true };
    linear_kind(c, "yes_no_abstain", yn.constraints(), vec![1, 0, 0]);
}

fn signatures(c: &mut Criterion) {
    let id = [1u8; 32];
    let key = CredentialCode::generate(&mut OsRng).signing_key(&id);
    let msg = vec![7u8; 4096];
    let sig = key.sign(&id, &msg, &mut OsRng);
    let public = key.public();
    let mut group = c.benchmark_group("signature");
    group.bench_function(BenchmarkId::new("sign", "4KiB"), |b| {
        b.iter(|| key.sign(&id, &msg, &mut OsRng))
    });
    group.bench_function(BenchmarkId::new("verify", "4KiB"), |b| {
        b.iter(|| sig.verify(&id, &public, &msg).unwrap())
    });
    group.finish();
}

/// The aggregated range proof alone: 32 statements of 8 bits, the shape of
/// a 10-option systemic-consensus answer (20 statements padded to 32).
fn range_proof(c: &mut Criterion) {
    use merlin::Transcript;
    use psephos_crypto::generators::h;
    use psephos_crypto::proofs::range;
    let openings: Vec<(u64, Scalar)> = (0..20)
        .map(|i| (i % 11, Scalar::random(&mut OsRng)))
        .collect();
    let ws: Vec<RistrettoPoint> = openings
        .iter()
        .map(|(w, t)| g() * Scalar::from(*w) + h() * t)
        .collect();
    let mut group = c.benchmark_group("range");
    group.sample_size(30);
    group.bench_function("prove/20x8", |b| {
        b.iter(|| range::prove(&mut Transcript::new(b"bench"), 8, &openings, &mut OsRng).unwrap())
    });
    let (proof, _) =
        range::prove(&mut Transcript::new(b"bench"), 8, &openings, &mut OsRng).unwrap();
    group.bench_function("verify/20x8", |b| {
        b.iter(|| {
            range::verify(&mut Transcript::new(b"bench"), 8, &ws, &proof, &mut OsRng).unwrap()
        })
    });
    group.finish();
}

/// 64 systemic-consensus answers: one by one (the reference) against one
/// batch (protocol.md §5.4), single-threaded.
fn batch_verification(c: &mut Criterion) {
    use psephos_crypto::batch::Batch;
    let ctx = ctx();
    let cons = Score {
        options: 10,
        max: 10,
        unrated: Unrated::CountsAsMax,
    }
    .constraints();
    let answers: Vec<_> = (0..64)
        .map(|i| {
            linear::prove(&ctx, &cons, &[i % 11; 10], &mut OsRng)
                .unwrap()
                .0
        })
        .collect();
    let mut group = c.benchmark_group("batch/systemic_consensus_10x64");
    group.sample_size(10);
    group.bench_function("per_proof", |b| {
        b.iter(|| {
            for a in &answers {
                linear::verify(&ctx, &cons, a, &mut OsRng).unwrap();
            }
        })
    });
    group.bench_function("batched", |b| {
        b.iter(|| {
            let mut batch = Batch::new();
            for a in &answers {
                linear::verify_into_batch(&ctx, &cons, a, &mut batch, &mut OsRng).unwrap();
            }
            assert!(batch.vartime_is_zero());
        })
    });
    group.finish();
}

/// The range-proof replay's per-index step (batch.rs: five products, three
/// sums) on 256 indices, written once for any scalar type.
fn replay_step<T>(xs: &[T], a: T, b: T, y: T, zero: T, one: T) -> (Vec<T>, Vec<T>)
where
    T: Copy + std::ops::Mul<Output = T> + std::ops::Sub<Output = T> + std::ops::AddAssign,
{
    let n = xs.len();
    let (mut gs, mut hs) = (vec![zero; n], vec![zero; n]);
    let mut run = one;
    for i in 0..n {
        let s = xs[i] * y;
        gs[i] += a * s;
        hs[i] += run * (s - b * xs[n - 1 - i]);
        run = run * y;
    }
    (gs, hs)
}

/// [`replay_step`] with dalek's `Scalar` (the naive path) and in
/// Montgomery form (`mont.rs`), in the same run.
fn scalar_loop(c: &mut Criterion) {
    use psephos_crypto::mont::Mont;
    let xs: Vec<Scalar> = (0..256).map(|_| Scalar::random(&mut OsRng)).collect();
    let xm: Vec<Mont> = xs.iter().map(Mont::from).collect();
    let (a, b, y) = (xs[0], xs[1], xs[2]);
    let (am, bm, ym) = (Mont::from(a), Mont::from(b), Mont::from(y));
    let mut group = c.benchmark_group("scalar_loop/256");
    group.bench_function("dalek_scalar", |bench| {
        bench.iter(|| replay_step(&xs, a, b, y, Scalar::ZERO, Scalar::ONE))
    });
    group.bench_function("montgomery", |bench| {
        bench.iter(|| replay_step(&xm, am, bm, ym, Mont::ZERO, Mont::ONE))
    });
    group.finish();
}

criterion_group!(
    benches,
    linear_answers,
    signatures,
    range_proof,
    batch_verification,
    scalar_loop
);
criterion_main!(benches);
