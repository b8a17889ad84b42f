//! Bounded discrete logarithm by baby-step giant-step (spec `threshold.md` §12).
//!
//! Given `M = mG` with `0 ≤ m ≤ bound`, find `m`. With `s` baby steps the
//! table holds `jG` for `0 ≤ j < s`, and the search tries the giant steps
//! `M − i·sG` for `i = 0, 1, …, ⌊bound/s⌋`: `m = i·s + j` for the first hit.
//! Time `O(bound/s)` per solution, memory `O(s)`; [`DlogTable::new`] picks
//! `s = ⌈√(bound + 1)⌉`, and a larger table (up to [`MAX_BABY_STEPS`]) makes
//! every later solution faster, which pays when many totals share one table.
//!
//! Table keys are the first 8 bytes of the encoding of `2P` (dalek's batched
//! double-and-compress saves one inversion per point; doubling is a bijection
//! of the prime-order group). A key hit is confirmed by a full comparison, so
//! collisions of the truncated key cannot return a wrong answer.
//!
//! Naming: every function whose running time depends on its input is named
//! `vartime_…`. The inputs here are decrypted totals, which are public.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, IsIdentity};

use crate::error::{CryptoError, Result};
use crate::generators::{g, g_table};

/// Largest supported bound (2⁴⁸ − 1, about 2.8·10¹⁴).
pub const MAX_BOUND: u64 = (1 << 48) - 1;

/// Largest supported table (2²⁸ baby steps, several GiB: use less).
pub const MAX_BABY_STEPS: u64 = 1 << 28;

/// Points compressed per batch.
const BATCH: usize = 256;

/// The keys are already uniform: hash them as themselves.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type Table = HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>;

/// Keys of `2P` for every `P` (none may be the identity).
fn doubled_keys(points: &[RistrettoPoint]) -> impl Iterator<Item = u64> {
    RistrettoPoint::double_and_compress_batch(points)
        .into_iter()
        .map(|c| {
            let mut k = [0u8; 8];
            k.copy_from_slice(&c.as_bytes()[..8]);
            u64::from_le_bytes(k)
        })
}

/// A reusable baby-step table for `0 ≤ m ≤ bound`.
pub struct DlogTable {
    bound: u64,
    baby_steps: u64,
    /// key of `2·jG` → `j`, for `1 ≤ j < s` (the identity, `j = 0`, is tested
    /// directly).
    table: Table,
    /// Entries whose truncated key was already taken.
    collisions: Vec<(u64, u32)>,
    /// `−s·G`.
    giant: RistrettoPoint,
}

impl core::fmt::Debug for DlogTable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DlogTable")
            .field("bound", &self.bound)
            .field("baby_steps", &self.baby_steps)
            .finish()
    }
}

impl DlogTable {
    /// A table for `0 ≤ m ≤ bound` with `⌈√(bound + 1)⌉` baby steps.
    pub fn new(bound: u64) -> Result<Self> {
        let s = (bound.saturating_add(1) as f64).sqrt().ceil() as u64;
        Self::with_baby_steps(bound, s.clamp(1, MAX_BABY_STEPS))
    }

    /// A table for `0 ≤ m ≤ bound` with `baby_steps` entries
    /// (`1 ≤ baby_steps ≤` [`MAX_BABY_STEPS`]); more entries, faster lookups.
    pub fn with_baby_steps(bound: u64, baby_steps: u64) -> Result<Self> {
        if bound > MAX_BOUND {
            return Err(CryptoError::Unsupported(format!(
                "discrete-log bound {bound}"
            )));
        }
        if !(1..=MAX_BABY_STEPS).contains(&baby_steps) {
            return Err(CryptoError::Unsupported(format!("{baby_steps} baby steps")));
        }
        let mut table = Table::with_capacity_and_hasher(baby_steps as usize, Default::default());
        let mut collisions = Vec::new();
        let mut point = RistrettoPoint::identity();
        let mut batch = Vec::with_capacity(BATCH);
        let mut j: u32 = 1;
        let last = baby_steps as u32;
        while j < last {
            batch.clear();
            let start = j;
            while j < last && batch.len() < BATCH {
                point += g();
                batch.push(point);
                j += 1;
            }
            for (idx, key) in (start..).zip(doubled_keys(&batch)) {
                if let std::collections::hash_map::Entry::Vacant(slot) = table.entry(key) {
                    slot.insert(idx);
                } else {
                    collisions.push((key, idx));
                }
            }
        }
        Ok(DlogTable {
            bound,
            baby_steps,
            table,
            collisions,
            giant: -(g_table() * &Scalar::from(baby_steps)),
        })
    }

    /// The largest `m` this table solves for.
    pub fn bound(&self) -> u64 {
        self.bound
    }

    /// The number of baby steps `s`.
    pub fn baby_steps(&self) -> u64 {
        self.baby_steps
    }

    /// Candidates `j` for a key (usually at most one).
    fn lookup(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        self.table.get(&key).copied().into_iter().chain(
            self.collisions
                .iter()
                .filter(move |(k, _)| *k == key)
                .map(|(_, j)| *j),
        )
    }

    /// Finds `m` with `point = mG` and `0 ≤ m ≤ bound`, or
    /// [`CryptoError::DlogNotFound`]. Variable time in `m`.
    pub fn vartime_solve(&self, point: &RistrettoPoint) -> Result<u64> {
        let giant_steps = self.bound / self.baby_steps + 1;
        let mut candidate = *point;
        let mut i: u64 = 0;
        let mut batch: Vec<RistrettoPoint> = Vec::with_capacity(BATCH);
        while i < giant_steps {
            batch.clear();
            let start = i;
            while i < giant_steps && batch.len() < BATCH {
                if candidate.is_identity() {
                    // M = i·s·G, and logarithms below ℓ are unique.
                    return self.within_bound(i * self.baby_steps);
                }
                batch.push(candidate);
                candidate += self.giant;
                i += 1;
            }
            for (step, key) in (start..).zip(doubled_keys(&batch)) {
                let base = batch[(step - start) as usize];
                for j in self.lookup(key) {
                    if g_table() * &Scalar::from(j) == base {
                        return self.within_bound(step * self.baby_steps + u64::from(j));
                    }
                }
            }
        }
        Err(CryptoError::DlogNotFound(self.bound))
    }

    fn within_bound(&self, m: u64) -> Result<u64> {
        if m <= self.bound {
            Ok(m)
        } else {
            Err(CryptoError::DlogNotFound(self.bound))
        }
    }
}

/// One-off `m` with `point = mG`, `0 ≤ m ≤ bound` (builds a table each call;
/// keep a [`DlogTable`] to solve many).
pub fn vartime_dlog(point: &RistrettoPoint, bound: u64) -> Result<u64> {
    DlogTable::new(bound)?.vartime_solve(point)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mg(m: u64) -> RistrettoPoint {
        g_table() * &Scalar::from(m)
    }

    #[test]
    fn small_bounds_exhaustive() {
        for bound in [0u64, 1, 2, 3, 10, 17] {
            for s in [1u64, 2, 3, 5, 40] {
                let t = DlogTable::with_baby_steps(bound, s).unwrap();
                for m in 0..=bound {
                    assert_eq!(t.vartime_solve(&mg(m)).unwrap(), m, "bound {bound} s {s}");
                }
                assert!(t.vartime_solve(&mg(bound + 1)).is_err());
                assert!(t.vartime_solve(&-mg(1)).is_err());
            }
        }
    }

    #[test]
    fn batch_compress_agrees_with_compress() {
        let pts: Vec<RistrettoPoint> = (1..300u64).map(mg).collect();
        let keys: Vec<u64> = doubled_keys(&pts).collect();
        for (p, k) in pts.iter().zip(keys) {
            let c = (p + p).compress();
            assert_eq!(k.to_le_bytes(), c.as_bytes()[..8]);
        }
    }

    #[test]
    fn refuses_bad_parameters() {
        assert!(DlogTable::with_baby_steps(10, 0).is_err());
        assert!(DlogTable::new(MAX_BOUND + 1).is_err());
    }
}
