//! Criterion benchmarks of threshold decryption and the bounded discrete log
//! (spec `threshold.md` §10–§12).
//!
//! `combine/3-of-5/*` includes verifying the three trustees' proofs (one
//! batch) and the Lagrange combination; `dlog/build` and `dlog/solve` are the
//! table precomputation and one worst-case lookup for a bound of 10⁷.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::dlog::DlogTable;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::generators::g_table;
use psephos_crypto::threshold::{combine, CeremonyParameters, CeremonyRecord, TrusteeSession};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

fn ceremony(n: u32, t: u32, rng: &mut ChaCha20Rng) -> (CeremonyRecord, Vec<TrusteeSession>) {
    let params = CeremonyParameters::new([1; 32], n, t).unwrap();
    let (mut sessions, announcements): (Vec<_>, Vec<_>) = (1..=n)
        .map(|i| TrusteeSession::new(&params, i, rng).unwrap())
        .unzip();
    let commitments: Vec<_> = sessions.iter().map(|s| s.commitments(rng)).collect();
    let shares: Vec<_> = sessions
        .iter()
        .flat_map(|s| s.encrypt_shares(&announcements, rng).unwrap())
        .collect();
    for s in &mut sessions {
        let j = s.index();
        for share in shares.iter().filter(|x| x.recipient == j) {
            let c = &commitments[share.dealer as usize - 1];
            assert!(s.receive(c, share, rng).unwrap().is_none());
        }
    }
    let record = CeremonyRecord {
        parameters: params,
        announcements,
        commitments,
        shares,
        complaints: Vec::new(),
    };
    (record, sessions)
}

fn threshold(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::from_seed([7; 32]);
    let (record, sessions) = ceremony(5, 3, &mut rng);
    let outcome = record.derive(&mut rng).unwrap();
    let shares: Vec<_> = sessions
        .iter()
        .map(|s| s.finish(&outcome).unwrap())
        .collect();
    let eid = [2u8; 32];

    let mut group = c.benchmark_group("threshold");
    group.sample_size(30);
    group.bench_function("ceremony/derive/3-of-5", |b| {
        b.iter(|| record.derive(&mut rng).unwrap())
    });
    for values in [1usize, 10] {
        let tally: Vec<Ciphertext> = (0..values as u64)
            .map(|m| Ciphertext::encrypt(&outcome.joint_key, m, &mut rng).0)
            .collect();
        let ds: Vec<_> = shares[1..4]
            .iter()
            .map(|s| s.decrypt(&eid, &tally, &mut rng))
            .collect();
        group.bench_function(format!("decrypt-share/{values}"), |b| {
            b.iter(|| shares[0].decrypt(&eid, &tally, &mut rng))
        });
        group.bench_function(format!("combine/3-of-5/{values}"), |b| {
            b.iter(|| combine(&outcome, &eid, &tally, &ds, &mut rng).unwrap())
        });
    }
    group.finish();

    let bound = 10_000_000u64;
    let mut group = c.benchmark_group("dlog");
    group.sample_size(20);
    group.bench_function("build/1e7", |b| b.iter(|| DlogTable::new(bound).unwrap()));
    let table = DlogTable::new(bound).unwrap();
    let worst = g_table() * &Scalar::from(bound);
    group.bench_function("solve/1e7/worst", |b| {
        b.iter(|| assert_eq!(table.vartime_solve(&worst).unwrap(), bound))
    });
    group.bench_function("solve/1e7/random", |b| {
        b.iter_batched(
            || {
                let m = rand_core::RngCore::next_u64(&mut rng) % (bound + 1);
                (m, g_table() * &Scalar::from(m))
            },
            |(m, p)| assert_eq!(table.vartime_solve(&p).unwrap(), m),
            BatchSize::SmallInput,
        )
    });
    let big = DlogTable::with_baby_steps(bound, 1 << 16).unwrap();
    group.bench_function("solve/1e7/worst/table-2^16", |b| {
        b.iter(|| assert_eq!(big.vartime_solve(&worst).unwrap(), bound))
    });
    group.finish();
}

criterion_group!(benches, threshold);
criterion_main!(benches);
