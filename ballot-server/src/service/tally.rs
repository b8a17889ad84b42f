//! The encrypted tally from the board (record.md §4, verification.md
//! steps 6–7) and the result from the trustees' shares (threshold.md §11,
//! §12; record.md §6).
//!
//! The counted set is the last ballot of each credential (`last_counts`;
//! under `once` the server never accepts a second). Ballots are read back
//! from the board — the bytes that were verified at cast time — in two
//! streaming passes: credentials first, then the counted ballots' full
//! parse. Ciphertexts are summed per weight class and each class scaled
//! once, which equals `Σ w·(R, C)` (protocol.md §4).

use std::collections::{BTreeMap, HashMap};

use psephos_board::{ElectionId, LogEntry};
use psephos_crypto::ballot::{AnswerProof, Ballot};
use psephos_crypto::dlog::DlogTable;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::record::{
    compute_outcome, total_bound, ElectionResult, EncryptedTally, QuestionResult,
};
use psephos_crypto::threshold::{combine, DecryptionShare};
use rand_core::OsRng;
use rayon::prelude::*;
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::app::App;
use crate::error::{Result, ServerError};
use crate::round::{Counted, RoundDoc};

/// Entries read per page while tallying.
const PAGE: u32 = 1000;

#[derive(Deserialize)]
struct Head {
    body: HeadBody,
    #[allow(dead_code)]
    signature: IgnoredAny,
}

#[derive(Deserialize)]
struct HeadBody {
    #[allow(dead_code)]
    spec_version: IgnoredAny,
    #[allow(dead_code)]
    election_id: IgnoredAny,
    credential: String,
    #[allow(dead_code)]
    answers: IgnoredAny,
}

fn corrupt(index: u64) -> ServerError {
    ServerError::internal(format!("ballot entry {index} does not parse"))
}

fn add_into(acc: &mut [Vec<Ciphertext>], ballot: &Ballot) -> Result<()> {
    if ballot.body.answers.len() != acc.len() {
        return Err(ServerError::internal("ballot does not fit the tally"));
    }
    for (totals, a) in acc.iter_mut().zip(&ballot.body.answers) {
        let cts = match &a.proof {
            AnswerProof::Linear(l) => &l.ciphertexts,
            AnswerProof::Ranked(r) => &r.ciphertexts,
        };
        if cts.len() != totals.len() {
            return Err(ServerError::internal("ballot does not fit the tally"));
        }
        for (t, c) in totals.iter_mut().zip(cts) {
            *t += c.ciphertext();
        }
    }
    Ok(())
}

impl App {
    async fn page(&self, election: ElectionId, from: u64) -> Result<Vec<LogEntry>> {
        Ok(self.board.entries(election, from, PAGE).await?)
    }

    /// The encrypted tally of the counted set, and who counted.
    pub async fn compute_tally(&self, doc: &RoundDoc) -> Result<(EncryptedTally, Counted)> {
        let live = self.live_round(doc.id()).await?;
        let election = live.election;
        let size = self.board.size(election).await?;
        // Pass 1: the last ballot index of every credential.
        let mut last: HashMap<[u8; 32], u64> = HashMap::new();
        let mut ballots = 0u64;
        let mut from = 0;
        while from < size {
            let page = self.page(election, from).await?;
            if page.is_empty() {
                break;
            }
            from = page.last().map_or(size, |e| e.index + 1);
            let heads = self
                .on_verifier(move || {
                    page.par_iter()
                        .filter(|e| e.entry.kind() == "ballot")
                        .map(|e| {
                            let h: Head = serde_json::from_slice(e.entry.payload())
                                .map_err(|_| corrupt(e.index))?;
                            let c: [u8; 32] = hex::decode(&h.body.credential)
                                .ok()
                                .and_then(|v| v.try_into().ok())
                                .ok_or_else(|| corrupt(e.index))?;
                            Ok((c, e.index))
                        })
                        .collect::<Result<Vec<_>>>()
                })
                .await?;
            for (c, i) in heads {
                ballots += 1;
                last.insert(c, i);
            }
        }
        let counted_idx: std::collections::HashSet<u64> = last.values().copied().collect();
        let counted_idx = std::sync::Arc::new(counted_idx);
        // Pass 2: sum the counted ballots per weight class.
        let empty = EncryptedTally::empty(&live.stmt);
        let shape: Vec<Vec<Ciphertext>> =
            empty.questions.iter().map(|q| q.totals.clone()).collect();
        let mut classes: BTreeMap<u64, (u64, Vec<Vec<Ciphertext>>)> = BTreeMap::new();
        let mut from = 0;
        while from < size {
            let page = self.page(election, from).await?;
            if page.is_empty() {
                break;
            }
            from = page.last().map_or(size, |e| e.index + 1);
            let (idx, live2, shape2) = (counted_idx.clone(), live.clone(), shape.clone());
            let partial = self
                .on_verifier(move || {
                    page.par_iter()
                        .filter(|e| e.entry.kind() == "ballot" && idx.contains(&e.index))
                        .map(|e| {
                            let b: Ballot = serde_json::from_slice(e.entry.payload())
                                .map_err(|_| corrupt(e.index))?;
                            let w = *live2
                                .credentials
                                .get(&b.body.credential.compress().to_bytes())
                                .ok_or_else(|| corrupt(e.index))?;
                            let mut acc = shape2.clone();
                            add_into(&mut acc, &b)?;
                            Ok((w, acc))
                        })
                        .collect::<Result<Vec<_>>>()
                })
                .await?;
            for (w, acc) in partial {
                let (n, class) = classes.entry(w).or_insert_with(|| (0, shape.clone()));
                *n += 1;
                for (cq, aq) in class.iter_mut().zip(acc) {
                    for (c, a) in cq.iter_mut().zip(aq) {
                        *c += a;
                    }
                }
            }
        }
        let mut tally = empty;
        let mut weight = 0u64;
        for (w, (n, class)) in &classes {
            for (q, cq) in tally.questions.iter_mut().zip(class) {
                for (t, c) in q.totals.iter_mut().zip(cq) {
                    *t += c.scale(*w);
                }
            }
            tally.ballots += n;
            weight = weight
                .checked_add(w.saturating_mul(*n))
                .ok_or_else(|| ServerError::internal("total weight overflows"))?;
        }
        tally.weight = weight;
        tally.check_form(&live.stmt)?;
        let counted = Counted {
            voters: tally.ballots,
            weight,
            ballots,
        };
        Ok((tally, counted))
    }

    /// The encrypted tally on the board.
    pub async fn tally_on_board(&self, doc: &RoundDoc) -> Result<(EncryptedTally, Vec<u8>)> {
        let index = doc
            .board
            .tally
            .ok_or_else(|| ServerError::conflict("tally.missing", "the round is not tallied"))?;
        let e = self.entry(self.election_of(doc)?, index, "tally").await?;
        let t = serde_json::from_slice(e.payload())
            .map_err(|err| ServerError::internal(format!("tally on the board: {err}")))?;
        Ok((t, e.payload().to_vec()))
    }

    /// The result from the accepted decryption shares: combination,
    /// bounded discrete logs, and each question's counting rule.
    pub async fn compute_result(&self, doc: &RoundDoc) -> Result<ElectionResult> {
        let live = self.live_round(doc.id()).await?;
        let (tally, _) = self.tally_on_board(doc).await?;
        let outcome = doc
            .ceremony
            .as_ref()
            .and_then(|c| c.outcome.clone())
            .ok_or_else(|| ServerError::internal("round without ceremony outcome"))?;
        let mut shares = Vec::new();
        for s in &doc.shares {
            let e = self.entry(live.election, s.index, "decryption").await?;
            let share: DecryptionShare = serde_json::from_slice(e.payload())
                .map_err(|err| ServerError::internal(format!("decryption share: {err}")))?;
            shares.push(share);
        }
        if shares.len() < outcome.threshold() as usize {
            return Err(ServerError::conflict(
                "threshold.not_met",
                format!(
                    "{} of {} decryption shares are in",
                    shares.len(),
                    outcome.threshold()
                ),
            ));
        }
        let electorate = live.electorate;
        self.on_verifier(move || {
            let election_id = live.election.0;
            let cts = tally.ciphertexts();
            let combination = combine(&outcome, &election_id, &cts, &shares, &mut OsRng)?;
            let bound = live
                .manifest
                .questions
                .iter()
                .map(|q| total_bound(q, tally.weight))
                .max()
                .unwrap_or(1)
                .max(1);
            let table = DlogTable::new(bound)?;
            let totals = combination.vartime_totals(&table)?;
            let mut offset = 0;
            let mut questions = Vec::new();
            for (q, qt) in live.manifest.questions.iter().zip(&tally.questions) {
                let got = &totals[offset..offset + qt.totals.len()];
                offset += qt.totals.len();
                questions.push(QuestionResult {
                    question: q.id.clone(),
                    totals: got.to_vec(),
                    outcome: compute_outcome(q, got, tally.weight, electorate)?,
                });
            }
            Ok(ElectionResult {
                spec_version: 1,
                election_id,
                ballots: tally.ballots,
                weight: tally.weight,
                electorate,
                questions,
            })
        })
        .await
    }
}
