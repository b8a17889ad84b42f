//! Step 5: every ballot's form, credential, validity proofs and signature,
//! verified in parallel and in batches (spec `verification.md` step 5 and
//! "Batches").
//!
//! Each ballot's equations go into its own [`Batch`]; the ballots of a
//! group are merged and checked with one multiscalar multiplication, one
//! group per thread. A group that fails is bisected until the bad ballots
//! are isolated, and each of those is re-verified on its own (the per-proof
//! reference, `Ballot::verify`) to report the exact reason. `--no-batch`
//! verifies every ballot on its own.

use std::collections::HashMap;

use psephos_crypto::ballot::{tracking_code, AnswerProof, Ballot, BallotStatement};
use psephos_crypto::batch::Batch;
use psephos_crypto::elgamal::Ciphertext;
use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, SeedableRng};
use rayon::prelude::*;

use crate::report::Failure;
use crate::since::Since;

/// A ballot entry waiting to be checked.
pub struct BallotInput {
    /// Board index.
    pub index: u64,
    /// The entry's payload: the ballot's exact bytes.
    pub payload: Vec<u8>,
}

/// A ballot that passed step 5.
pub struct ValidBallot {
    /// Board index.
    pub index: u64,
    /// Compressed public credential.
    pub credential: [u8; 32],
    /// Its weight from the credential list.
    pub weight: u64,
    /// Tracking code.
    pub tracking: [u8; 32],
    /// All its ciphertexts, in tally order (questions, then values).
    pub ciphertexts: Vec<Ciphertext>,
}

/// What step 5 needs to know of the election.
pub struct BallotContext<'a> {
    /// The statement every ballot is checked against.
    pub statement: &'a BallotStatement,
    /// Credential list: compressed credential → weight.
    pub credentials: &'a HashMap<[u8; 32], u64>,
    /// Verify each ballot on its own instead of in batches.
    pub no_batch: bool,
    /// An earlier run that verified the ballots below its size.
    pub since: Option<&'a Since>,
}

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::from_rng(OsRng).expect("the operating system's RNG works")
}

fn fail(
    step: &str,
    input: &BallotInput,
    tracking: &[u8; 32],
    e: impl std::fmt::Display,
    code: &str,
) -> Failure {
    Failure::new(step, e.to_string())
        .at(input.index)
        .ballot(tracking)
        .code(code)
}

/// A parsed ballot with its signed message (the body's bytes).
struct Prepared {
    ballot: Ballot,
    valid: ValidBallot,
    message: Vec<u8>,
}

/// Form and credential checks (5.1, 5.2, 5.5): parse, look up.
fn prepare(ctx: &BallotContext<'_>, input: &BallotInput) -> Result<Prepared, Failure> {
    let tracking = tracking_code(&input.payload);
    let ballot = Ballot::parse_canonical(&input.payload)
        .map_err(|e| fail("5.1", input, &tracking, &e, e.code()))?;
    ballot
        .check_form(ctx.statement)
        .map_err(|e| fail("5.1", input, &tracking, &e, e.code()))?;
    let credential = ballot.body.credential.compress().to_bytes();
    let weight = *ctx.credentials.get(&credential).ok_or_else(|| {
        fail(
            "5.2",
            input,
            &tracking,
            "the credential is not on the list",
            "ballot.unknown_credential",
        )
    })?;
    let ciphertexts = ballot
        .body
        .answers
        .iter()
        .flat_map(|a| match &a.proof {
            AnswerProof::Linear(l) => l.ciphertexts.iter(),
            AnswerProof::Ranked(r) => r.ciphertexts.iter(),
        })
        .map(|c| c.ciphertext())
        .collect();
    let message = Ballot::body_bytes(&input.payload)
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|| ballot.signed_message());
    Ok(Prepared {
        ballot,
        valid: ValidBallot {
            index: input.index,
            credential,
            weight,
            tracking,
            ciphertexts,
        },
        message,
    })
}

/// Parses a ballot already known valid (the second pass) into its
/// credential, weight and ciphertexts.
pub(crate) fn prepare_valid(
    ctx: &BallotContext<'_>,
    input: &BallotInput,
) -> Result<ValidBallot, Failure> {
    prepare(ctx, input).map(|p| p.valid)
}

/// The exact reason a ballot fails on its own (5.3 proofs, 5.4 signature).
fn reference_failure(ctx: &BallotContext<'_>, ballot: &Ballot, v: &ValidBallot) -> Option<Failure> {
    let err = ballot.verify(ctx.statement, &mut rng()).err()?;
    let step = if matches!(err, psephos_crypto::CryptoError::InvalidProof("signature")) {
        "5.4"
    } else {
        "5.3"
    };
    Some(
        Failure::new(step, err.to_string())
            .at(v.index)
            .ballot(&v.tracking)
            .code(err.code()),
    )
}

/// Checks a group of ballots: returns the valid ones (in input order) and
/// the failures.
pub fn check(ctx: &BallotContext<'_>, inputs: &[BallotInput]) -> (Vec<ValidBallot>, Vec<Failure>) {
    let prepared: Vec<Result<Prepared, Failure>> =
        inputs.par_iter().map(|i| prepare(ctx, i)).collect();
    let mut failures = Vec::new();
    let mut ok: Vec<Prepared> = Vec::with_capacity(prepared.len());
    let mut trusted = Vec::new();
    for p in prepared {
        match p {
            Ok(x) if ctx.since.is_some_and(|s| s.verified(x.valid.index)) => trusted.push(x.valid),
            Ok(x) => ok.push(x),
            Err(f) => failures.push(f),
        }
    }
    let verdicts: Vec<Option<Failure>> = if ctx.no_batch {
        ok.par_iter()
            .map(|p| reference_failure(ctx, &p.ballot, &p.valid))
            .collect()
    } else {
        batched(ctx, &ok)
    };
    let mut valid = trusted;
    for (p, verdict) in ok.into_iter().zip(verdicts) {
        match verdict {
            None => valid.push(p.valid),
            Some(f) => failures.push(f),
        }
    }
    failures.sort_by_key(|f| f.index);
    valid.sort_by_key(|v| v.index);
    (valid, failures)
}

/// Batched verdicts: one merged batch per thread-sized group, bisected on
/// failure.
fn batched(ctx: &BallotContext<'_>, ok: &[Prepared]) -> Vec<Option<Failure>> {
    let batches: Vec<Result<Batch, Failure>> = ok
        .par_iter()
        .map(|p| {
            let (b, v) = (&p.ballot, &p.valid);
            let mut batch = Batch::new();
            b.verify_into_batch_signed(ctx.statement, &p.message, &mut batch, &mut rng())
                .map(|()| batch)
                .map_err(|e| {
                    reference_failure(ctx, b, v).unwrap_or_else(|| {
                        Failure::new("5.3", e.to_string())
                            .at(v.index)
                            .ballot(&v.tracking)
                            .code(e.code())
                    })
                })
        })
        .collect();
    let groups = (rayon::current_num_threads() * 2).max(1);
    let size = ok.len().div_ceil(groups).max(1);
    let items: Vec<(usize, &Result<Batch, Failure>)> = batches.iter().enumerate().collect();
    let mut verdicts: Vec<Option<Failure>> = vec![None; ok.len()];
    let found: Vec<(usize, Failure)> = items
        .par_chunks(size)
        .flat_map_iter(|group| bisect(ctx, ok, group))
        .collect();
    for (i, f) in found {
        verdicts[i] = Some(f);
    }
    verdicts
}

/// The failing ballots of `group`, found by halving.
fn bisect(
    ctx: &BallotContext<'_>,
    ok: &[Prepared],
    group: &[(usize, &Result<Batch, Failure>)],
) -> Vec<(usize, Failure)> {
    let mut out = Vec::new();
    let mut held = Vec::with_capacity(group.len());
    for (i, b) in group {
        match b {
            Ok(b) => held.push(b),
            Err(f) => out.push((*i, f.clone())),
        }
    }
    if Batch::vartime_all_zero(&held) {
        return out;
    }
    let rest: Vec<(usize, &Result<Batch, Failure>)> =
        group.iter().filter(|(_, b)| b.is_ok()).copied().collect();
    if rest.len() == 1 {
        let i = rest[0].0;
        let (b, v) = (&ok[i].ballot, &ok[i].valid);
        let f = reference_failure(ctx, b, v).unwrap_or_else(|| {
            Failure::new("5.3", "the ballot's equations do not hold in a batch")
                .at(v.index)
                .ballot(&v.tracking)
                .code("proof.invalid")
        });
        out.push((i, f));
        return out;
    }
    let (left, right) = rest.split_at(rest.len() / 2);
    out.extend(bisect(ctx, ok, left));
    out.extend(bisect(ctx, ok, right));
    out
}
