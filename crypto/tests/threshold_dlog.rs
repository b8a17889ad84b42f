//! Bounded discrete logarithm (spec `threshold.md` §12).

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::dlog::{vartime_dlog, DlogTable};
use psephos_crypto::generators::{g, g_table};
use psephos_crypto::CryptoError;

fn mg(m: u64) -> RistrettoPoint {
    g_table() * &Scalar::from(m)
}

#[test]
fn ten_million() {
    let bound = 10_000_000;
    let table = DlogTable::new(bound).unwrap();
    assert_eq!(table.baby_steps(), 3163);
    for m in [0, 1, 2, 3162, 3163, 3164, 9_999_999, 1_234_567, bound] {
        assert_eq!(table.vartime_solve(&mg(m)).unwrap(), m, "m = {m}");
    }
    assert_eq!(
        table.vartime_solve(&mg(bound + 1)),
        Err(CryptoError::DlogNotFound(bound))
    );
    assert!(table.vartime_solve(&mg(bound + 3163)).is_err());
    assert!(table.vartime_solve(&mg(u64::MAX)).is_err());
    assert!(table.vartime_solve(&(-g())).is_err());
    assert!(table
        .vartime_solve(&(g() * Scalar::from(bound).invert()))
        .is_err());
}

#[test]
fn bigger_table_same_answers() {
    let bound = 10_000_000;
    let table = DlogTable::with_baby_steps(bound, 1 << 16).unwrap();
    for m in [0, 1, 65_535, 65_536, 65_537, bound - 1, bound] {
        assert_eq!(table.vartime_solve(&mg(m)).unwrap(), m);
    }
    assert!(table.vartime_solve(&mg(bound + 1)).is_err());
    // The table can exceed the bound.
    let small = DlogTable::with_baby_steps(5, 100).unwrap();
    assert_eq!(small.vartime_solve(&mg(5)).unwrap(), 5);
    assert!(small.vartime_solve(&mg(6)).is_err());
}

#[test]
fn large_bound_with_large_table() {
    // 10¹² with a 2²⁰-entry table: at most ~954k giant steps; pick values
    // near both ends to keep the test short.
    let bound = 1_000_000_000_000;
    let table = DlogTable::with_baby_steps(bound, 1 << 20).unwrap();
    for m in [0, 1, (1 << 20) + 5, 3 << 21] {
        assert_eq!(table.vartime_solve(&mg(m)).unwrap(), m);
    }
}

#[test]
fn one_off_and_limits() {
    assert_eq!(vartime_dlog(&mg(0), 0).unwrap(), 0);
    assert!(vartime_dlog(&mg(1), 0).is_err());
    assert_eq!(vartime_dlog(&mg(1), 1).unwrap(), 1);
    assert_eq!(vartime_dlog(&mg(777), 1000).unwrap(), 777);
    assert!(matches!(
        DlogTable::new(u64::MAX),
        Err(CryptoError::Unsupported(_))
    ));
    assert!(DlogTable::with_baby_steps(10, 0).is_err());
}
