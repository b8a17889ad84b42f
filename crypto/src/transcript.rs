//! Fiat–Shamir transcripts over Merlin (spec `protocol.md` §3).
//!
//! Every proof of Psephos starts from [`ProofContext::transcript`], which
//! absorbs, in this order, before anything else:
//!
//! ```text
//! T = Transcript::new("psephos v1")
//! T.append("proof",      <static label of the proof kind>)
//! T.append("election",   election id (32 bytes))
//! T.append("G", G)  T.append("H", H)  T.append("K", K)
//! T.append("question",   question id (UTF-8))
//! T.append("credential", voter's public credential (32 bytes))
//! ```
//!
//! and then the proof's own statement (all ciphertexts and commitments)
//! before its first challenge. A proof copied into another election,
//! question, credential or key therefore meets different challenges and
//! fails. Labels are static byte strings and versioned by the protocol label.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;

use crate::generators::{g, h};
use crate::point::{Encoded, Point};

/// The protocol label every transcript starts with.
pub const PROTOCOL_LABEL: &[u8] = b"psephos v1";

/// Static proof-kind labels (spec `protocol.md` §3.2).
pub mod labels {
    /// Validity proof of a linear answer (link + range).
    pub const LINEAR_ANSWER: &[u8] = b"linear-answer";
    /// Validity proof of a ranked answer (link + OR + range).
    pub const RANKED_ANSWER: &[u8] = b"ranked-answer";
    /// Schnorr signature of a ballot by its credential.
    pub const BALLOT_SIGNATURE: &[u8] = b"ballot-signature";
    /// Schnorr proof of knowledge of a discrete logarithm.
    pub const SCHNORR_POK: &[u8] = b"schnorr-pok";
    /// Chaum–Pedersen proof of a decryption share.
    pub const DECRYPTION_SHARE: &[u8] = b"decryption-share";
    /// Chaum–Pedersen proof of a revealed share-encryption key (complaint).
    pub const COMPLAINT: &[u8] = b"complaint";
}

/// Helpers for appending group elements and drawing challenges.
pub trait TranscriptExt {
    /// Appends a group element's canonical encoding.
    fn append_point<P: Encoded>(&mut self, label: &'static [u8], p: &P);
    /// Appends many group elements, preceded by their count.
    fn append_points(&mut self, label: &'static [u8], ps: &[RistrettoPoint]);
    /// Appends a scalar's canonical encoding.
    fn append_scalar(&mut self, label: &'static [u8], s: &Scalar);
    /// Draws a challenge scalar (64 uniform bytes reduced mod ℓ).
    fn challenge_scalar(&mut self, label: &'static [u8]) -> Scalar;
}

impl TranscriptExt for Transcript {
    fn append_point<P: Encoded>(&mut self, label: &'static [u8], p: &P) {
        self.append_message(label, p.encoded().as_bytes());
    }

    fn append_points(&mut self, label: &'static [u8], ps: &[RistrettoPoint]) {
        self.append_u64(b"count", ps.len() as u64);
        for p in ps {
            self.append_point(label, p);
        }
    }

    fn append_scalar(&mut self, label: &'static [u8], s: &Scalar) {
        self.append_message(label, s.as_bytes());
    }

    fn challenge_scalar(&mut self, label: &'static [u8]) -> Scalar {
        let mut buf = [0u8; 64];
        self.challenge_bytes(label, &mut buf);
        Scalar::from_bytes_mod_order_wide(&buf)
    }
}

/// The public context every ballot proof is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofContext {
    /// Election id: SHA-256 of the manifest bytes.
    pub election_id: [u8; 32],
    /// Joint election key `K` (with its encoding, absorbed by every proof).
    pub election_key: Point,
    /// Question id from the manifest.
    pub question_id: String,
    /// The voter's public credential (with its encoding).
    pub credential: Point,
}

impl ProofContext {
    /// A fresh transcript with the whole context absorbed (spec §3.1).
    pub fn transcript(&self, proof_label: &'static [u8]) -> Transcript {
        let mut t = Transcript::new(PROTOCOL_LABEL);
        t.append_message(b"proof", proof_label);
        t.append_message(b"election", &self.election_id);
        t.append_message(b"G", g_h_encodings().0.as_bytes());
        t.append_message(b"H", g_h_encodings().1.as_bytes());
        t.append_point(b"K", &self.election_key);
        t.append_message(b"question", self.question_id.as_bytes());
        t.append_point(b"credential", &self.credential);
        t
    }
}

/// The encodings of `G` and `H`, compressed once.
pub fn g_h_encodings() -> &'static (
    curve25519_dalek::ristretto::CompressedRistretto,
    curve25519_dalek::ristretto::CompressedRistretto,
) {
    static GH: std::sync::OnceLock<(
        curve25519_dalek::ristretto::CompressedRistretto,
        curve25519_dalek::ristretto::CompressedRistretto,
    )> = std::sync::OnceLock::new();
    GH.get_or_init(|| (g().compress(), h().compress()))
}
