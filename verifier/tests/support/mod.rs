//! Builds honest election records for the verifier's tests, and rebuilds
//! them around a tampered board (a malicious server re-tallies honestly
//! around what it changed, and re-signs every checkpoint).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use psephos_board::record::RecordWriter;
use psephos_board::{Checkpoint, ElectionId, Entry, LogEntry, MerkleTree, Receipt};
use psephos_crypto::ballot::{Ballot, BallotStatement, Opening, PlainAnswer};
use psephos_crypto::credential::{CredentialCode, CredentialKey};
use psephos_crypto::dlog::DlogTable;
use psephos_crypto::questions::score::Unrated;
use psephos_crypto::record::manifest::{
    CeremonyRef, Question, QuestionKind, RankedDefault, RevotePolicy, Schedule,
};
use psephos_crypto::record::{
    compute_outcome, total_bound, AuditedBallot, CredentialEntry, CredentialList, ElectionResult,
    EncryptedTally, Manifest, QuestionResult, Transition, TransitionKind,
};
use psephos_crypto::results::{Majority, YesNoRules};
use psephos_crypto::threshold::{
    combine, CeremonyOutcome, CeremonyParameters, CeremonyRecord, DecryptionShare, TrusteeSession,
    TrusteeShare,
};
use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, RngCore, SeedableRng};

pub const OPENS_AT: u64 = 1_900_000_000;

fn text(s: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("en".to_string(), s.to_string())])
}

fn question(id: &str, options: &[&str], kind: QuestionKind) -> Question {
    Question::in_english(id, id, options, kind)
}

/// Everything of a round, before it is laid out on a board.
#[derive(Clone)]
pub struct Scenario {
    pub key: SigningKey,
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub election_id: [u8; 32],
    pub statement: BallotStatement,
    pub ceremony: CeremonyRecord,
    pub outcome: CeremonyOutcome,
    pub trustees: Vec<TrusteeShare>,
    pub voters: Vec<(CredentialKey, u64)>,
    pub credentials: CredentialList,
    /// Cast ballots in board order, with the voter's index.
    pub ballots: Vec<(usize, Ballot)>,
    pub audited: Vec<AuditedBallot>,
    /// Trustees (1-based) who post decryption shares.
    pub deciders: Vec<u32>,
}

fn ceremony(rng: &mut ChaCha20Rng) -> (CeremonyRecord, CeremonyOutcome, Vec<TrusteeShare>) {
    let params = CeremonyParameters::new([0xc3; 32], 3, 2).unwrap();
    let (mut sessions, announcements): (Vec<_>, Vec<_>) = (1..=3)
        .map(|i| TrusteeSession::new(&params, i, rng).unwrap())
        .unzip();
    let commitments: Vec<_> = sessions.iter().map(|s| s.commitments(rng)).collect();
    let shares: Vec<_> = sessions
        .iter()
        .flat_map(|s| s.encrypt_shares(&announcements, rng).unwrap())
        .collect();
    let mut complaints = Vec::new();
    for s in &mut sessions {
        let me = s.index();
        for share in shares.iter().filter(|x| x.recipient == me) {
            let c = commitments
                .iter()
                .find(|c| c.dealer == share.dealer)
                .unwrap();
            if let Some(c) = s.receive(c, share, rng).unwrap() {
                complaints.push(c);
            }
        }
    }
    let record = CeremonyRecord {
        parameters: params,
        announcements,
        commitments,
        shares,
        complaints,
    };
    let outcome = record.derive(rng).unwrap();
    let trustees = sessions
        .iter()
        .map(|s| s.finish(&outcome).unwrap())
        .collect();
    (record, outcome, trustees)
}

/// The questions of the test rounds: yes/no, systemic consensus, ranked.
pub fn mixed_questions() -> Vec<Question> {
    vec![
        question(
            "proposal",
            &["yes", "no", "abstain"],
            QuestionKind::YesNo {
                rules: YesNoRules {
                    quorum: None,
                    majority: Majority::simple(),
                },
            },
        ),
        question(
            "budget",
            &["status-quo", "plan-a", "plan-b", "plan-c"],
            QuestionKind::SystemicConsensus {
                max_resistance: 10,
                passive_solution: Some("status-quo".into()),
                unrated: Unrated::CountsAsMax,
            },
        ),
        question(
            "logo",
            &["red", "green", "blue", "none"],
            QuestionKind::Ranked {
                default_option: Some(RankedDefault {
                    option: "none".into(),
                    quorum: None,
                    majorities: BTreeMap::new(),
                }),
            },
        ),
    ]
}

pub fn plain(rng: &mut impl RngCore) -> Vec<PlainAnswer> {
    let mut yn = vec![0; 3];
    yn[(rng.next_u32() % 3) as usize] = 1;
    let sc = (0..4).map(|_| (rng.next_u32() % 11) as u64).collect();
    let first = (rng.next_u32() % 4) as usize;
    let second = (first + 1 + (rng.next_u32() % 3) as usize) % 4;
    vec![
        PlainAnswer::Linear(yn),
        PlainAnswer::Linear(sc),
        PlainAnswer::Ranked(vec![vec![first], vec![second]]),
    ]
}

impl Scenario {
    /// An honest round: `voters` voters (weights 1 and 2), voter 0 revotes,
    /// one audited ballot.
    pub fn new(voters: usize, revote: RevotePolicy, seed: u64) -> Scenario {
        Self::build(mixed_questions(), voters, revote, seed, plain)
    }

    /// A round over `questions` with `voters` voters whose plaintexts come
    /// from `plain`, cast in parallel.
    pub fn build(
        questions: Vec<Question>,
        voters: usize,
        revote: RevotePolicy,
        seed: u64,
        plain: fn(&mut ChaCha20Rng) -> Vec<PlainAnswer>,
    ) -> Scenario {
        use rayon::prelude::*;
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let (ceremony, outcome, trustees) = ceremony(&mut rng);
        let manifest = Manifest {
            spec_version: 1,
            election: "amv-verify-test".into(),
            title: text("Verifier test round"),
            questions,
            election_key: outcome.joint_key,
            ceremony: CeremonyRef {
                ceremony_id: [0xc3; 32],
                threshold: 2,
                trustees: 3,
            },
            board_key: key.verifying_key().to_bytes(),
            schedule: Schedule {
                opens_at: OPENS_AT,
                closes_at: OPENS_AT + 1_000_000,
            },
            revote,
        };
        let manifest_bytes = manifest.to_bytes();
        let election_id = Manifest::election_id_of(&manifest_bytes);
        let statement = manifest.ballot_statement(election_id).unwrap();
        let voters: Vec<(CredentialKey, u64)> = (0..voters)
            .map(|i| {
                (
                    CredentialCode::generate(&mut rng).signing_key(&election_id),
                    1 + (i as u64 % 2),
                )
            })
            .collect();
        let credentials = CredentialList::new(
            election_id,
            voters
                .iter()
                .map(|(k, w)| CredentialEntry {
                    credential: k.public(),
                    weight: *w,
                })
                .collect(),
        );
        let mut s = Scenario {
            key,
            manifest,
            manifest_bytes,
            election_id,
            statement,
            ceremony,
            outcome,
            trustees,
            voters,
            credentials,
            ballots: Vec::new(),
            audited: Vec::new(),
            deciders: vec![1, 3],
        };
        let (audit, openings) = s.cast_with(0, &plain(&mut rng));
        s.audited.push(AuditedBallot::new(audit, openings));
        let seeds: Vec<u64> = (0..s.voters.len()).map(|_| rng.next_u64()).collect();
        let ballots: Vec<(usize, Ballot)> = seeds
            .par_iter()
            .enumerate()
            .map(|(v, seed)| {
                (
                    v,
                    s.cast_with(v, &plain(&mut ChaCha20Rng::seed_from_u64(*seed)))
                        .0,
                )
            })
            .collect();
        s.ballots = ballots;
        if revote == RevotePolicy::LastCounts {
            let b = s.cast_with(0, &plain(&mut rng)).0;
            s.ballots.push((0, b));
        }
        s
    }

    pub fn cast(&self, voter: usize, rng: &mut impl RngCore) -> Ballot {
        self.cast_with(voter, &plain(rng)).0
    }

    pub fn cast_with(&self, voter: usize, plain: &[PlainAnswer]) -> (Ballot, Vec<Opening>) {
        Ballot::cast(&self.statement, &self.voters[voter].0, plain, &mut OsRng).unwrap()
    }

    /// The counted ballots under the manifest's policy: last per voter.
    pub fn counted(&self) -> Vec<(usize, &Ballot)> {
        let mut last: BTreeMap<usize, &Ballot> = BTreeMap::new();
        for (v, b) in &self.ballots {
            last.insert(*v, b);
        }
        last.into_iter().collect()
    }

    pub fn tally(&self) -> EncryptedTally {
        let mut t = EncryptedTally::empty(&self.statement);
        for (v, b) in self.counted() {
            t.add(b, self.voters[v].1).unwrap();
        }
        t
    }

    pub fn shares(&self, tally: &EncryptedTally) -> Vec<DecryptionShare> {
        let cts = tally.ciphertexts();
        self.deciders
            .iter()
            .map(|j| self.trustees[*j as usize - 1].decrypt(&self.election_id, &cts, &mut OsRng))
            .collect()
    }

    pub fn result(&self, tally: &EncryptedTally, shares: &[DecryptionShare]) -> ElectionResult {
        let cts = tally.ciphertexts();
        let comb = combine(&self.outcome, &self.election_id, &cts, shares, &mut OsRng).unwrap();
        let bound = self
            .manifest
            .questions
            .iter()
            .map(|q| total_bound(q, tally.weight))
            .max()
            .unwrap();
        let totals = comb
            .vartime_totals(&DlogTable::new(bound.max(1)).unwrap())
            .unwrap();
        let electorate = self.credentials.total_weight();
        let mut offset = 0;
        let questions = self
            .manifest
            .questions
            .iter()
            .zip(&tally.questions)
            .map(|(q, t)| {
                let mine = totals[offset..offset + t.totals.len()].to_vec();
                offset += t.totals.len();
                QuestionResult {
                    question: q.id.clone(),
                    outcome: compute_outcome(q, &mine, tally.weight, electorate).unwrap(),
                    totals: mine,
                }
            })
            .collect();
        ElectionResult {
            spec_version: 1,
            election_id: self.election_id,
            ballots: tally.ballots,
            weight: tally.weight,
            electorate,
            questions,
        }
    }

    fn transition(&self, kind: TransitionKind, index: usize) -> (String, Vec<u8>) {
        let t = Transition::new(self.election_id, kind, OPENS_AT + index as u64);
        ("transition".into(), serde_json::to_vec(&t).unwrap())
    }

    /// The board entries of the round, honestly tallied.
    pub fn entries(&self) -> Vec<(String, Vec<u8>)> {
        let mut e: Vec<(String, Vec<u8>)> = vec![
            ("manifest".into(), self.manifest_bytes.clone()),
            (
                "ceremony".into(),
                serde_json::to_vec(&self.ceremony).unwrap(),
            ),
            (
                "credentials".into(),
                serde_json::to_vec(&self.credentials).unwrap(),
            ),
        ];
        e.push(self.transition(TransitionKind::Open, e.len()));
        for a in &self.audited {
            e.push(("audited".into(), serde_json::to_vec(a).unwrap()));
        }
        for (_, b) in &self.ballots {
            e.push(("ballot".into(), b.to_bytes()));
        }
        e.push(self.transition(TransitionKind::Close, e.len()));
        e.push(self.transition(TransitionKind::Tally, e.len()));
        let tally = self.tally();
        let shares = self.shares(&tally);
        let result = self.result(&tally, &shares);
        e.push(("tally".into(), serde_json::to_vec(&tally).unwrap()));
        for s in &shares {
            e.push(("decryption".into(), serde_json::to_vec(s).unwrap()));
        }
        e.push(("result".into(), serde_json::to_vec(&result).unwrap()));
        e.push(self.transition(TransitionKind::Publish, e.len()));
        e
    }

    pub fn record(&self) -> Vec<u8> {
        write_record(&self.key, self.election_id, &self.entries(), 4)
    }

    /// The receipt a voter got for the entry at `index` of `entries`.
    pub fn receipt(&self, entries: &[(String, Vec<u8>)], index: u64, every: usize) -> Receipt {
        let leaves: Vec<_> = entries
            .iter()
            .map(|(k, p)| Entry::new(k, p).unwrap().leaf_hash())
            .collect();
        let tree = MerkleTree::from_leaves(leaves.iter().copied());
        let size = checkpoint_sizes(entries.len(), every)
            .into_iter()
            .find(|s| *s > index)
            .unwrap();
        Receipt {
            index,
            leaf_hash: leaves[index as usize],
            checkpoint: Checkpoint {
                election: ElectionId(self.election_id),
                size,
                root: tree.root_at(size).unwrap(),
                time: OPENS_AT + size,
            }
            .sign(&self.key),
            inclusion: tree.inclusion_proof(index, size).unwrap(),
        }
    }
}

fn checkpoint_sizes(n: usize, every: usize) -> Vec<u64> {
    (1..=n as u64)
        .filter(|s| *s % every as u64 == 0 || *s == n as u64)
        .collect()
}

/// Lays entries out as a record file with a signed checkpoint every `every`
/// entries and at the end.
pub fn write_record(
    key: &SigningKey,
    election_id: [u8; 32],
    entries: &[(String, Vec<u8>)],
    every: usize,
) -> Vec<u8> {
    let election = ElectionId(election_id);
    let mut w = RecordWriter::new(Vec::new(), election, entries.len() as u64).unwrap();
    let mut tree = MerkleTree::new();
    for (i, (kind, payload)) in entries.iter().enumerate() {
        let entry = Entry::new(kind, payload).unwrap();
        tree.push(entry.leaf_hash());
        w.write_entry(&LogEntry {
            index: i as u64,
            entry,
        })
        .unwrap();
        let size = i as u64 + 1;
        if size.is_multiple_of(every as u64) || size == entries.len() as u64 {
            let cp = Checkpoint {
                election,
                size,
                root: tree.root(),
                time: OPENS_AT + size,
            };
            w.write_checkpoint(&cp.sign(key)).unwrap();
        }
    }
    w.finish().unwrap()
}

/// The honest record of a scenario as a source.
#[allow(non_snake_case)]
pub fn BytesSource_from(s: &Scenario) -> psephos_verifier::BytesSource {
    psephos_verifier::BytesSource(s.record())
}

/// One honest scenario per test binary (proving is the slow part).
pub fn honest() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| Scenario::new(12, RevotePolicy::LastCounts, 42))
}
