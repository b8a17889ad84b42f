//! Step 10: audited (spoiled) ballots (spec `verification.md` step 10).

use std::collections::{HashMap, HashSet};

use psephos_crypto::ballot::tracking_code;
use psephos_crypto::record::AuditedBallot;
use rand_core::OsRng;

use super::setup::Setup;
use crate::report::{Collector, Failure};

/// Audited ballots seen so far.
#[derive(Default)]
pub struct Audits {
    /// Tracking code of each audited ballot → its board index.
    seen: HashMap<[u8; 32], u64>,
}

impl Audits {
    /// 10.1–10.2 on an `audited` entry.
    pub fn entry(
        &mut self,
        c: &mut Collector,
        setup: &Setup,
        credentials: &HashMap<[u8; 32], u64>,
        index: u64,
        payload: &[u8],
    ) {
        let audited: AuditedBallot = match serde_json::from_slice(payload) {
            Ok(a) => a,
            Err(e) => {
                c.fail(Failure::new("10.1", format!("audited ballot: {e}")).at(index));
                return;
            }
        };
        let tracking = tracking_code(&audited.ballot.to_bytes());
        if !credentials.contains_key(&audited.ballot.body.credential.compress().to_bytes()) {
            c.fail(
                Failure::new("10.1", "audited ballot of a credential not on the list")
                    .at(index)
                    .ballot(&tracking),
            );
        }
        if let Err(e) = audited.check(&setup.statement, &mut OsRng) {
            c.fail(
                Failure::new("10.2", e.to_string())
                    .at(index)
                    .ballot(&tracking)
                    .code(e.code()),
            );
        }
        self.seen.insert(tracking, index);
    }

    /// 10.3: no audited ballot is counted.
    pub fn finish(&self, c: &mut Collector, counted: &HashSet<[u8; 32]>) {
        for (t, i) in &self.seen {
            if counted.contains(t) {
                c.fail(
                    Failure::new("10.3", "an audited ballot is counted")
                        .at(*i)
                        .ballot(t),
                );
            }
        }
        c.ran(10, format!("{} audited ballots", self.seen.len()));
    }
}
