//! Batch verification: many proofs, one multiscalar multiplication
//! (spec `protocol.md` §5.4 and §6.2, `verification.md` "Batches").
//!
//! A [`Batch`] holds weighted equations. Sigma proofs put theirs into its
//! [`Msm`]; range proofs are replayed here from their bytes (the
//! `bulletproofs` crate verifies one proof at a time and keeps its fields
//! private) and contribute the verification equation of protocol.md §6.2,
//! multiplied by a fresh random weight. The coefficients of the shared
//! Bulletproofs generators `Gᵢ, Hᵢ` and of `G, H` are summed across all
//! proofs, so each generator is multiplied once per batch.
//!
//! The per-proof verifiers (`linear::verify`, `ranked::verify`,
//! `Ballot::verify`) use the `bulletproofs` crate itself and are the
//! reference the batch is tested against.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, RwLock};

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use sha3::digest::{ExtendableOutput, Update, XofReader};
use sha3::Shake256;

use crate::error::{CryptoError, Result};
use crate::generators::{g, h};
use crate::mont::Mont;
use crate::msm::{random_weight, Msm};
use crate::point::AsPoint;
use crate::proofs::range::{chunks, split_proof_bytes};
use crate::transcript::TranscriptExt;

/// Coefficients of the vector generators `G_{j,i}` and `H_{j,i}` of one bit
/// size, index `j·n + i`, in Montgomery form (they are only ever summed and
/// multiplied until the batch is evaluated).
type Coefficients = (Vec<Mont>, Vec<Mont>);

/// Accumulated equations of many proofs.
#[derive(Default, Clone)]
pub struct Batch {
    msm: Msm,
    /// Per bit size: coefficients of `G_{j,i}` and `H_{j,i}`.
    vectors: BTreeMap<usize, Coefficients>,
    /// Per `(bit size, n·m)`: the sum `c` of the chunks' `ρ·z`, a term
    /// every `G_{j,i}` (as `−c`) and `H_{j,i}` (as `+c`) with `j·n + i < n·m`
    /// shares, added once per batch instead of once per proof and index.
    shared: BTreeMap<(usize, usize), Mont>,
}

impl Batch {
    /// An empty batch (which holds).
    pub fn new() -> Self {
        Self::default()
    }

    /// The sigma-proof equations.
    pub fn msm(&mut self) -> &mut Msm {
        &mut self.msm
    }

    /// Appends every equation of `other`.
    pub fn merge(&mut self, other: Batch) {
        self.msm.extend(other.msm);
        for (bits, (gs, hs)) in other.vectors {
            let (mg, mh) = self.vectors.entry(bits).or_default();
            add_into(mg, &gs);
            add_into(mh, &hs);
        }
        for (key, c) in other.shared {
            *self.shared.entry(key).or_default() += c;
        }
    }

    /// Replays the range proof of protocol.md §6.2 over the derived
    /// commitments `ws` on transcript `t` (positioned as for
    /// `range::verify`) and adds its weighted equations.
    pub fn add_range<R: RngCore + CryptoRng, P: AsPoint>(
        &mut self,
        t: &mut Transcript,
        bits: usize,
        ws: &[P],
        proof: &[u8],
        rng: &mut R,
    ) -> Result<()> {
        let mut terms = Vec::with_capacity(ws.len());
        self.add_range_folded(t, bits, ws, proof, rng, &mut |j, s| terms.push((j, s)))?;
        for (j, s) in terms {
            self.msm.add(s, ws[j].to_point());
        }
        Ok(())
    }

    /// [`Batch::add_range`], except that the coefficient `sⱼ` of each
    /// derived commitment `Wⱼ` is handed to `fold(j, sⱼ)` instead of
    /// adding `sⱼ·Wⱼ`: a caller that knows `Wⱼ` as a combination of points
    /// already in the batch (`Wⱼ = ±Vᵢ + k·G`) adds the coefficients onto
    /// those, and the batch multiplies fewer points. `ws` is still needed:
    /// the transcript absorbs each `Wⱼ`'s encoding.
    pub fn add_range_folded<R: RngCore + CryptoRng, P: AsPoint>(
        &mut self,
        t: &mut Transcript,
        bits: usize,
        ws: &[P],
        proof: &[u8],
        rng: &mut R,
        fold: &mut dyn FnMut(usize, Scalar),
    ) -> Result<()> {
        let parts = split_proof_bytes(bits, ws.len(), proof)?;
        t.append_u64(b"range-bits", bits as u64);
        t.append_u64(b"range-statements", ws.len() as u64);
        let mut start = 0;
        for (m, bytes) in chunks(ws.len()).into_iter().zip(parts) {
            let chunk = &ws[start..start + m];
            self.add_chunk(t, bits, chunk, bytes, rng, &mut |j, s| fold(start + j, s))?;
            start += m;
        }
        Ok(())
    }

    fn add_chunk<R: RngCore + CryptoRng, P: AsPoint>(
        &mut self,
        t: &mut Transcript,
        n: usize,
        vs: &[P],
        bytes: &[u8],
        rng: &mut R,
        fold: &mut dyn FnMut(usize, Scalar),
    ) -> Result<()> {
        let bad = || CryptoError::InvalidProof("range");
        let m = vs.len();
        let nm = n * m;
        let lg = nm.trailing_zeros() as usize;
        let point = |i: usize| -> Result<(CompressedRistretto, RistrettoPoint)> {
            let c =
                CompressedRistretto::from_slice(&bytes[32 * i..32 * (i + 1)]).map_err(|_| bad())?;
            if c.is_identity() {
                return Err(bad());
            }
            Ok((c, c.decompress().ok_or_else(bad)?))
        };
        let scalar = |i: usize| -> Result<Scalar> {
            let arr: [u8; 32] = bytes[32 * i..32 * (i + 1)].try_into().map_err(|_| bad())?;
            Option::from(Scalar::from_canonical_bytes(arr)).ok_or_else(bad)
        };
        let (a_c, a) = point(0)?;
        let (s_c, s) = point(1)?;
        let (t1_c, t1) = point(2)?;
        let (t2_c, t2) = point(3)?;
        let (t_x, t_x_bl, e_bl) = (scalar(4)?, scalar(5)?, scalar(6)?);
        let lr: Vec<_> = (0..lg)
            .map(|j| Ok((point(7 + 2 * j)?, point(8 + 2 * j)?)))
            .collect::<Result<_>>()?;
        let (ipp_a, ipp_b) = (scalar(7 + 2 * lg)?, scalar(8 + 2 * lg)?);

        // The transcript of bulletproofs' RangeProof::verify_multiple.
        t.append_message(b"dom-sep", b"rangeproof v1");
        t.append_u64(b"n", n as u64);
        t.append_u64(b"m", m as u64);
        for v in vs {
            t.append_point(b"V", v);
        }
        t.append_message(b"A", a_c.as_bytes());
        t.append_message(b"S", s_c.as_bytes());
        let y = t.challenge_scalar(b"y");
        let z = t.challenge_scalar(b"z");
        t.append_message(b"T_1", t1_c.as_bytes());
        t.append_message(b"T_2", t2_c.as_bytes());
        let x = t.challenge_scalar(b"x");
        t.append_scalar(b"t_x", &t_x);
        t.append_scalar(b"t_x_blinding", &t_x_bl);
        t.append_scalar(b"e_blinding", &e_bl);
        let w = t.challenge_scalar(b"w");
        t.append_message(b"dom-sep", b"ipp v1");
        t.append_u64(b"n", nm as u64);
        let mut u = Vec::with_capacity(lg);
        for ((l_c, _), (r_c, _)) in &lr {
            t.append_message(b"L", l_c.as_bytes());
            t.append_message(b"R", r_c.as_bytes());
            u.push(t.challenge_scalar(b"u"));
        }

        // Inner-product verification scalars sᵢ (products of uⱼ^±1).
        // One inversion for all uⱼ and y (Montgomery's trick): the product
        // of all inverses, times y, is Π uⱼ⁻¹.
        let mut u_inv = u.clone();
        u_inv.push(y);
        let all_inv = Scalar::batch_invert(&mut u_inv) * y;
        let y_inv = u_inv.pop().expect("y was pushed");
        let u_sq: Vec<Scalar> = u.iter().map(|x| x * x).collect();
        let u_inv_sq: Vec<Scalar> = u_inv.iter().map(|x| x * x).collect();
        // The per-index work below runs in Montgomery form (mont.rs).
        let u_sq_m: Vec<Mont> = u_sq.iter().map(Mont::from).collect();
        let mut s_vec: Vec<Mont> = Vec::with_capacity(nm);
        s_vec.push(Mont::from(all_inv));
        for i in 1..nm {
            let lg_i = (usize::BITS - 1 - i.leading_zeros()) as usize;
            let k = 1 << lg_i;
            s_vec.push(s_vec[i - k] * u_sq_m[(lg - 1) - lg_i]);
        }

        let rho = random_weight(rng);
        let c = random_weight(rng);
        let zz = z * z;
        let two = Scalar::from(2u64);
        let sum_y = sum_of_powers(&y, nm);
        let sum_2 = sum_of_powers(&two, n);
        let sum_z = sum_of_powers(&z, m);
        let delta = (z - zz) * sum_y - zz * z * sum_2 * sum_z;

        let (gs, hs) = self.vectors.entry(n).or_default();
        if gs.len() < nm {
            gs.resize(nm, Mont::ZERO);
            hs.resize(nm, Mont::ZERO);
        }
        // gᵢ += ρ·(−z − a·sᵢ);  hᵢ += ρ·(z + y⁻ⁱ·(z²·zʲ·2ⁱ⁻ʲⁿ − b·s_{nm−1−i})),
        // with ρ folded into the running powers so that each i costs three
        // scalar multiplications (and a doubling for 2ⁱ); the ∓ρz shared by
        // every i is summed in `shared` and added once per batch.
        *self.shared.entry((n, nm)).or_default() += Mont::from(rho * z);
        let neg_rho_a = Mont::from(-(rho * ipp_a));
        let ipp_b_m = Mont::from(ipp_b);
        let (y_inv_m, z_m, zz_m) = (Mont::from(y_inv), Mont::from(z), Mont::from(zz));
        let mut rho_y_inv_i = Mont::from(rho);
        let mut zz_zj = zz_m;
        let mut zz_zj_two_i = zz_m;
        for i in 0..nm {
            if i > 0 && i % n == 0 {
                zz_zj *= z_m;
                zz_zj_two_i = zz_zj;
            }
            gs[i] += neg_rho_a * s_vec[i];
            hs[i] += rho_y_inv_i * (zz_zj_two_i - ipp_b_m * s_vec[nm - 1 - i]);
            rho_y_inv_i *= y_inv_m;
            zz_zj_two_i = zz_zj_two_i.double();
        }
        let msm = &mut self.msm;
        msm.add(rho, a);
        msm.add(rho * x, s);
        msm.add(rho * c * x, t1);
        msm.add(rho * c * x * x, t2);
        for (((_, l), (_, r)), (us, uis)) in lr.iter().zip(u_sq.iter().zip(&u_inv_sq)) {
            msm.add(rho * us, *l);
            msm.add(rho * uis, *r);
        }
        msm.add_h(rho * (-e_bl - c * t_x_bl));
        msm.add_g(rho * (w * (t_x - ipp_a * ipp_b) + c * (delta - t_x)));
        let mut zk = rho * c * zz;
        for j in 0..vs.len() {
            fold(j, zk);
            zk *= z;
        }
        Ok(())
    }

    /// Evaluates every equation of the batch at once (variable time: all
    /// inputs are public).
    pub fn vartime_is_zero(&self) -> bool {
        Batch::vartime_all_zero(&[self])
    }

    /// Evaluates the equations of all `batches` with one multiscalar
    /// multiplication, as [`Batch::merge`] followed by
    /// [`Batch::vartime_is_zero`] would, without copying their terms: the
    /// coefficients of `G`, `H` and the vector generators are summed, the
    /// variable terms are read in place.
    pub fn vartime_all_zero(batches: &[&Batch]) -> bool {
        let mut vectors: BTreeMap<usize, Coefficients> = BTreeMap::new();
        let mut shared: BTreeMap<(usize, usize), Mont> = BTreeMap::new();
        let (mut g_sum, mut h_sum) = (Scalar::ZERO, Scalar::ZERO);
        for b in batches {
            for (bits, (gs, hs)) in &b.vectors {
                let (mg, mh) = vectors.entry(*bits).or_default();
                add_into(mg, gs);
                add_into(mh, hs);
            }
            for (key, c) in &b.shared {
                *shared.entry(*key).or_default() += *c;
            }
            let (_, (g, h, _)) = b.msm.parts();
            g_sum += g;
            h_sum += h;
        }
        for ((bits, nm), c) in shared {
            let (mg, mh) = vectors.entry(bits).or_default();
            if mg.len() < nm {
                mg.resize(nm, Mont::ZERO);
                mh.resize(nm, Mont::ZERO);
            }
            mg[..nm].iter_mut().for_each(|x| *x -= c);
            mh[..nm].iter_mut().for_each(|x| *x += c);
        }
        // The vector generators' coefficients leave Montgomery form once.
        let vectors: Vec<(usize, Vec<Scalar>, Vec<Scalar>)> = vectors
            .into_iter()
            .map(|(bits, (gs, hs))| {
                let out = |v: Vec<Mont>| v.into_iter().map(Mont::to_scalar).collect();
                (bits, out(gs), out(hs))
            })
            .collect();
        // dalek wants exact lengths, so the terms are gathered by reference.
        let terms: usize = batches.iter().map(|b| b.msm.len()).sum();
        let mut scalars: Vec<&Scalar> = Vec::with_capacity(terms + 2);
        let mut points: Vec<&RistrettoPoint> = Vec::with_capacity(terms + 2);
        for b in batches {
            let (s, (_, _, p)) = b.msm.parts();
            scalars.extend(s);
            points.extend(p);
        }
        let gens: Vec<(Arc<VectorGens>, &Vec<Scalar>, &Vec<Scalar>)> = vectors
            .iter()
            .map(|(bits, gs, hs)| (vector_generators(*bits, gs.len() / bits), gs, hs))
            .collect();
        for (gens, gs, hs) in &gens {
            scalars.extend(gs.iter().chain(hs.iter()));
            points.extend(gens.g[..gs.len()].iter().chain(&gens.h[..hs.len()]));
        }
        let (g_point, h_point) = (g(), h());
        scalars.extend([&g_sum, &h_sum]);
        points.extend([&g_point, &h_point]);
        let sum = RistrettoPoint::vartime_multiscalar_mul(scalars, points);
        sum.is_identity()
    }
}

fn add_into(acc: &mut Vec<Mont>, more: &[Mont]) {
    if acc.len() < more.len() {
        acc.resize(more.len(), Mont::ZERO);
    }
    for (a, b) in acc.iter_mut().zip(more) {
        *a += *b;
    }
}

/// `Σ_{i<n} xⁱ`. For `n = 2ᵏ` (every bit size and chunk size is one) it is
/// `Π_{j<k} (1 + x^{2ʲ})`, `2k` products instead of `n`.
fn sum_of_powers(x: &Scalar, n: usize) -> Scalar {
    if n.is_power_of_two() {
        let mut sum = Scalar::ONE;
        let mut p = *x;
        for _ in 0..n.trailing_zeros() {
            sum *= Scalar::ONE + p;
            p *= p;
        }
        return sum;
    }
    let mut sum = Scalar::ZERO;
    let mut p = Scalar::ONE;
    for _ in 0..n {
        sum += p;
        p *= x;
    }
    sum
}

/// Bulletproofs vector generators for `parties` parties of `bits` bits, in
/// aggregation order (`j·bits + i`): party `j`'s chain is
/// `SHAKE256("GeneratorsChain" ‖ label)` with label `'G' ‖ u32le(j)` (or
/// `'H'`), read 64 bytes at a time into Ristretto's one-way map — the
/// derivation of `bulletproofs` 5.0 (`BulletproofGens::new`), reproduced
/// because that crate does not expose its `Hᵢ`.
pub struct VectorGens {
    /// `G_{j,i}`.
    pub g: Vec<RistrettoPoint>,
    /// `H_{j,i}`.
    pub h: Vec<RistrettoPoint>,
}

fn chain(tag: u8, party: u32, count: usize) -> impl Iterator<Item = RistrettoPoint> {
    let mut shake = Shake256::default();
    shake.update(b"GeneratorsChain");
    let mut label = [tag, 0, 0, 0, 0];
    label[1..].copy_from_slice(&party.to_le_bytes());
    shake.update(&label);
    let mut reader = shake.finalize_xof();
    (0..count).map(move |_| {
        let mut buf = [0u8; 64];
        reader.read(&mut buf);
        RistrettoPoint::from_uniform_bytes(&buf)
    })
}

/// The generators for `bits` × `parties`, cached (the cache only grows).
pub fn vector_generators(bits: usize, parties: usize) -> Arc<VectorGens> {
    type Cache = RwLock<BTreeMap<usize, Arc<VectorGens>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| RwLock::new(BTreeMap::new()));
    if let Ok(read) = cache.read() {
        if let Some(g) = read.get(&bits).filter(|g| g.g.len() >= bits * parties) {
            return g.clone();
        }
    }
    let parties = parties.next_power_of_two();
    let mut gens = VectorGens {
        g: Vec::with_capacity(bits * parties),
        h: Vec::with_capacity(bits * parties),
    };
    for j in 0..parties as u32 {
        gens.g.extend(chain(b'G', j, bits));
        gens.h.extend(chain(b'H', j, bits));
    }
    let gens = Arc::new(gens);
    if let Ok(mut write) = cache.write() {
        write.insert(bits, gens.clone());
    }
    gens
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generators::bulletproof_gens;

    #[test]
    fn sum_of_powers_by_halving_matches_the_plain_sum() {
        let x = Scalar::from(0x1234_5678_9abc_def1u64) * Scalar::from(0xfeed_beefu64);
        for n in [0usize, 1, 2, 3, 8, 20, 32, 128, 1024] {
            let plain: Scalar = (0..n)
                .fold((Scalar::ZERO, Scalar::ONE), |(s, p), _| (s + p, p * x))
                .0;
            assert_eq!(sum_of_powers(&x, n), plain, "n = {n}");
        }
    }

    #[test]
    fn vector_generators_match_bulletproofs() {
        let ours = vector_generators(8, 4);
        let theirs = bulletproof_gens(8, 4);
        for j in 0..4 {
            let g: Vec<_> = theirs.share(j).G(8).copied().collect();
            assert_eq!(&ours.g[8 * j..8 * j + 8], g.as_slice());
        }
        assert_ne!(ours.g[0], ours.h[0]);
    }
}
