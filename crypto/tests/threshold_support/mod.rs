//! Shared helpers of the `threshold_*` tests: run a ceremony phase by phase.
#![allow(dead_code)]

use psephos_crypto::threshold::{
    CeremonyOutcome, CeremonyParameters, CeremonyRecord, EncryptedShare, TrusteeSession,
    TrusteeShare,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

pub fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

pub fn params(n: u32, t: u32) -> CeremonyParameters {
    CeremonyParameters::new([0xc3; 32], n, t).unwrap()
}

/// A ceremony after phases 1 and 2 (announcements, commitments, shares).
pub struct Ceremony {
    pub sessions: Vec<TrusteeSession>,
    pub record: CeremonyRecord,
}

impl Ceremony {
    pub fn dealt(params: &CeremonyParameters, rng: &mut ChaCha20Rng) -> Self {
        let (sessions, announcements): (Vec<_>, Vec<_>) = (1..=params.trustees)
            .map(|i| TrusteeSession::new(params, i, rng).unwrap())
            .unzip();
        let commitments = sessions.iter().map(|s| s.commitments(rng)).collect();
        let shares = sessions
            .iter()
            .flat_map(|s| s.encrypt_shares(&announcements, rng).unwrap())
            .collect();
        Ceremony {
            sessions,
            record: CeremonyRecord {
                parameters: *params,
                announcements,
                commitments,
                shares,
                complaints: Vec::new(),
            },
        }
    }

    /// The share from `dealer` to `recipient`, mutably (to cheat with).
    pub fn share_mut(&mut self, dealer: u32, recipient: u32) -> &mut EncryptedShare {
        self.record
            .shares
            .iter_mut()
            .find(|s| s.dealer == dealer && s.recipient == recipient)
            .unwrap()
    }

    /// Phase 3: every trustee receives its shares; complaints are published.
    pub fn deliver(&mut self, rng: &mut ChaCha20Rng) {
        let all: Vec<u32> = (1..=self.record.parameters.trustees).collect();
        self.deliver_from(&all, rng);
    }

    /// Phase 3 for the shares of `dealers` only.
    pub fn deliver_from(&mut self, dealers: &[u32], rng: &mut ChaCha20Rng) {
        for session in &mut self.sessions {
            let j = session.index();
            let mine = self
                .record
                .shares
                .iter()
                .filter(|s| s.recipient == j && dealers.contains(&s.dealer));
            for share in mine {
                let commitments = self
                    .record
                    .commitments
                    .iter()
                    .find(|c| c.dealer == share.dealer)
                    .unwrap();
                if let Some(c) = session.receive(commitments, share, rng).unwrap() {
                    self.record.complaints.push(c);
                }
            }
        }
    }

    /// Derives the outcome and every trustee's share.
    pub fn finish(&self, rng: &mut ChaCha20Rng) -> (CeremonyOutcome, Vec<TrusteeShare>) {
        let outcome = self.record.derive(rng).unwrap();
        let shares = self
            .sessions
            .iter()
            .map(|s| s.finish(&outcome).unwrap())
            .collect();
        (outcome, shares)
    }
}

/// A complete honest ceremony.
pub fn honest(
    n: u32,
    t: u32,
    rng: &mut ChaCha20Rng,
) -> (Ceremony, CeremonyOutcome, Vec<TrusteeShare>) {
    let mut c = Ceremony::dealt(&params(n, t), rng);
    c.deliver(rng);
    let (outcome, shares) = c.finish(rng);
    (c, outcome, shares)
}

/// `xⱼ` out of a serialized share: the test's way to play a cheating trustee
/// who knows its own secret.
pub fn secret_of(share: &TrusteeShare) -> curve25519_dalek::scalar::Scalar {
    let v = serde_json::to_value(share).unwrap();
    let bytes: [u8; 32] =
        psephos_crypto::encoding::from_hex_array(v["secret"].as_str().unwrap()).unwrap();
    let s = curve25519_dalek::scalar::Scalar::from_canonical_bytes(bytes).unwrap();
    assert_eq!(
        psephos_crypto::generators::g() * s,
        *share.verification_key()
    );
    s
}
