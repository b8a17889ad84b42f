//! Steps 6–9: counted set, encrypted tally, decryption, results
//! (spec `verification.md` steps 6–9).

use std::collections::{BTreeMap, HashMap, HashSet};

use curve25519_dalek::scalar::Scalar;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::generators::g_table;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::{compute_outcome, total_bound, ElectionResult, EncryptedTally};
use psephos_crypto::threshold::{
    combine, verify_decryption_share, CeremonyOutcome, DecryptionShare,
};
use rand_core::OsRng;

use super::setup::Setup;
use crate::ballots::ValidBallot;
use crate::report::{Collector, Failure};

/// Per weight, the sum of ciphertexts (weights are applied once at the end).
type Sums = BTreeMap<u64, Vec<Ciphertext>>;

fn add_into(sums: &mut Sums, weight: u64, cts: &[Ciphertext]) {
    let acc = sums
        .entry(weight)
        .or_insert_with(|| vec![Ciphertext::zero(); cts.len()]);
    if acc.len() == cts.len() {
        for (a, c) in acc.iter_mut().zip(cts) {
            *a += *c;
        }
    }
}

/// The counted set and the running sums (steps 6 and 7).
#[derive(Default)]
pub struct Counting {
    last: HashMap<[u8; 32], (u64, u64, [u8; 32])>,
    /// Tracking code of every valid ballot so far → its index.
    seen: HashMap<[u8; 32], u64>,
    superseded: Vec<u64>,
    added: Sums,
    removed: Sums,
    valid: u64,
    /// Published objects, checked at the end.
    pub tally: Option<(u64, EncryptedTally)>,
    /// Decryption share entries.
    pub shares: Vec<(u64, DecryptionShare)>,
    /// The result entry.
    pub result: Option<(u64, ElectionResult)>,
}

impl Counting {
    /// Adds a valid ballot in board order (6.1).
    pub fn add(&mut self, c: &mut Collector, policy: RevotePolicy, v: &ValidBallot) {
        // A ballot's bytes are canonical, so a second entry with the same
        // tracking code is a replay (it could revive a vote its voter
        // replaced); it is never counted.
        if let Some(first) = self.seen.get(&v.tracking) {
            c.fail(
                Failure::new(
                    "5.1",
                    format!("the same ballot is on the board twice (first at index {first})"),
                )
                .at(v.index)
                .ballot(&v.tracking)
                .code("ballot.replayed"),
            );
            return;
        }
        self.seen.insert(v.tracking, v.index);
        self.valid += 1;
        if let Some((prev, _, _)) = self.last.get(&v.credential) {
            match policy {
                RevotePolicy::LastCounts => self.superseded.push(*prev),
                RevotePolicy::Once => {
                    c.fail(
                        Failure::new("6.1", format!("second ballot of a credential (first at index {prev}) under the once policy"))
                            .at(v.index)
                            .ballot(&v.tracking),
                    );
                    return;
                }
            }
        }
        self.last
            .insert(v.credential, (v.index, v.weight, v.tracking));
        add_into(&mut self.added, v.weight, &v.ciphertexts);
    }

    /// Indices of ballots a later ballot of their credential replaced.
    pub fn superseded(&self) -> &[u64] {
        &self.superseded
    }

    /// Removes a superseded ballot (second pass).
    pub fn remove(&mut self, v: &ValidBallot) {
        add_into(&mut self.removed, v.weight, &v.ciphertexts);
    }

    /// Tracking codes of the counted ballots.
    pub fn counted_tracking_codes(&self) -> HashSet<[u8; 32]> {
        self.last.values().map(|(_, _, t)| *t).collect()
    }

    /// Weighted totals of the counted set: `Σ_w w·(added_w − removed_w)`.
    fn totals(&self, len: usize) -> Vec<Ciphertext> {
        let mut out = vec![Ciphertext::zero(); len];
        for (w, sum) in &self.added {
            let minus = self.removed.get(w);
            for (j, ct) in sum.iter().enumerate().take(len) {
                let mut x = *ct;
                if let Some(m) = minus.and_then(|m| m.get(j)) {
                    x = Ciphertext {
                        r: x.r - m.r,
                        c: x.c - m.c,
                    };
                }
                out[j] += if *w == 1 { x } else { x.scale(*w) };
            }
        }
        out
    }

    /// Steps 6–9 once the record is read.
    pub fn finish(
        &self,
        c: &mut Collector,
        setup: &Setup,
        ceremony: Option<&CeremonyOutcome>,
        electorate: u64,
    ) {
        let counted = self.last.len() as u64;
        let weight: u64 = self.last.values().map(|(_, w, _)| w).sum();
        c.ran(
            6,
            format!(
                "{} valid ballots, {counted} counted, {} replaced by a revote",
                self.valid,
                self.superseded.len()
            ),
        );
        let Some((tally_index, tally)) = &self.tally else {
            return;
        };
        // 7.1
        if let Err(e) = tally.check_form(&setup.statement) {
            c.fail(
                Failure::new("7.1", e.to_string())
                    .at(*tally_index)
                    .code(e.code()),
            );
            return;
        }
        let published = tally.ciphertexts();
        if self.totals(published.len()) != published {
            c.fail(
                Failure::new(
                    "7.1",
                    "the encrypted tally is not the homomorphic sum of the counted ballots",
                )
                .at(*tally_index),
            );
        }
        if tally.ballots != counted || tally.weight != weight {
            c.fail(
                Failure::new(
                    "7.1",
                    format!(
                "the tally counts {} ballots of weight {}, the board {counted} of weight {weight}",
                tally.ballots, tally.weight
            ),
                )
                .at(*tally_index),
            );
        }
        c.ran(7, format!("{} encrypted totals", published.len()));
        let Some(ceremony) = ceremony else { return };
        let Some((result_index, result)) = &self.result else {
            return;
        };
        // 8.1: every share on its own, so a bad one is named even when the
        // valid ones fall short of the threshold.
        for (index, share) in &self.shares {
            let verdict = match ceremony.verification_key(share.trustee) {
                None => Err(format!("trustee {} is not in the ceremony", share.trustee)),
                Some(x) => verify_decryption_share(
                    &setup.election_id,
                    &ceremony.joint_key,
                    x,
                    &published,
                    share,
                    &mut OsRng,
                )
                .map_err(|e| format!("decryption share of trustee {}: {e}", share.trustee)),
            };
            if let Err(m) = verdict {
                c.fail(Failure::new("8.1", m).at(*index).code("trustee.faulty"));
            }
        }
        // 8.2: combination of t valid shares.
        let shares: Vec<DecryptionShare> = self.shares.iter().map(|(_, s)| s.clone()).collect();
        let combination = match combine(
            ceremony,
            &setup.election_id,
            &published,
            &shares,
            &mut OsRng,
        ) {
            Ok(comb) => comb,
            Err(e) => {
                c.fail(Failure::new("8.2", e.to_string()).code(e.code()));
                return;
            }
        };
        if let Err(e) = result.check_form(&setup.election_id) {
            c.fail(
                Failure::new("9.1", e.to_string())
                    .at(*result_index)
                    .code(e.code()),
            );
            return;
        }
        let totals: Vec<u64> = result
            .questions
            .iter()
            .flat_map(|q| q.totals.iter().copied())
            .collect();
        if totals.len() != combination.plaintexts.len()
            || result.questions.len() != setup.manifest.questions.len()
        {
            c.fail(
                Failure::new("8.2", "the result's totals do not match the tally's shape")
                    .at(*result_index),
            );
            return;
        }
        for (i, (m, point)) in totals.iter().zip(&combination.plaintexts).enumerate() {
            if &(g_table() * &Scalar::from(*m)) != point {
                c.fail(
                    Failure::new(
                        "8.2",
                        format!("published total #{i} = {m} is not what the trustees decrypted"),
                    )
                    .at(*result_index),
                );
            }
        }
        c.ran(
            8,
            format!(
                "{} shares, {} used, {} rejected",
                shares.len(),
                combination.used.len(),
                combination.rejected.len()
            ),
        );
        // 8.3 and 9.1
        if result.ballots != counted || result.weight != weight || result.electorate != electorate {
            c.fail(
                Failure::new(
                    "9.1",
                    "the result's ballot count, weight or electorate differ from the board",
                )
                .at(*result_index),
            );
        }
        for (q, r) in setup.manifest.questions.iter().zip(&result.questions) {
            if r.question != q.id {
                c.fail(
                    Failure::new(
                        "9.1",
                        format!("result for {:?} where {:?} was expected", r.question, q.id),
                    )
                    .at(*result_index),
                );
                continue;
            }
            let bound = total_bound(q, weight);
            if r.totals.iter().any(|t| *t > bound) {
                c.fail(
                    Failure::new(
                        "8.3",
                        format!("question {}: a total exceeds its bound {bound}", q.id),
                    )
                    .at(*result_index),
                );
            }
            match compute_outcome(q, &r.totals, weight, electorate) {
                Ok(o) if o == r.outcome => {}
                Ok(_) => c.fail(Failure::new("9.1", format!("question {}: the published outcome is not what its counting rule gives", q.id)).at(*result_index)),
                Err(e) => c.fail(Failure::new("9.1", format!("question {}: {e}", q.id)).at(*result_index).code(e.code())),
            }
        }
        c.ran(
            9,
            format!("{} questions recomputed", result.questions.len()),
        );
    }
}
