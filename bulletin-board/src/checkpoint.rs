//! Signed checkpoints: the board's Ed25519 signature over (election id,
//! tree size, root, time) in a fixed byte format (specs/board.md §5).
//!
//! Signed message, 108 bytes:
//!
//! ```text
//! "psephos-board-checkpoint-v1" 0x00   28 bytes, domain separation
//! election id                          32 bytes
//! tree size                             8 bytes, unsigned big-endian
//! root hash                            32 bytes
//! time                                  8 bytes, unsigned big-endian,
//!                                                 seconds since 1970-01-01 UTC
//! ```

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::bytes::{ElectionId, Hash};

/// Domain-separation label that opens every signed checkpoint message.
pub const CHECKPOINT_LABEL: &[u8; 28] = b"psephos-board-checkpoint-v1\0";
/// Length of the signed checkpoint message.
pub const CHECKPOINT_MESSAGE_LEN: usize = 28 + 32 + 8 + 32 + 8;

/// Why a checkpoint signature or key is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The 32 bytes are not a valid Ed25519 public key.
    #[error("board public key is not a valid Ed25519 point")]
    BadKey,
    /// The signature does not verify under the key.
    #[error("checkpoint signature does not verify")]
    BadSignature,
}

impl CheckpointError {
    /// Stable machine-readable code (specs/board.md §9).
    pub fn code(&self) -> &'static str {
        match self {
            CheckpointError::BadKey => "board.bad_key",
            CheckpointError::BadSignature => "board.bad_signature",
        }
    }
}

/// The board's Ed25519 public key as published in the election manifest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BoardPublicKey(#[serde(with = "crate::bytes::hex_array")] pub [u8; 32]);

impl BoardPublicKey {
    /// The public half of a signing key.
    pub fn from_signing_key(key: &SigningKey) -> Self {
        Self(key.verifying_key().to_bytes())
    }

    /// Decodes the key, refusing bytes that are not a curve point.
    pub fn verifying_key(&self) -> Result<VerifyingKey, CheckpointError> {
        VerifyingKey::from_bytes(&self.0).map_err(|_| CheckpointError::BadKey)
    }
}

impl core::fmt::Debug for BoardPublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "BoardPublicKey({})", hex::encode(self.0))
    }
}

/// An unsigned checkpoint: the log of `election` had `size` entries with
/// Merkle root `root` at `time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Election whose log this is.
    pub election: ElectionId,
    /// Number of entries covered.
    pub size: u64,
    /// `MTH` of the first `size` entries.
    pub root: Hash,
    /// Seconds since the Unix epoch, UTC.
    pub time: u64,
}

impl Checkpoint {
    /// The exact bytes that are signed (module doc, specs/board.md §5).
    pub fn signed_message(&self) -> [u8; CHECKPOINT_MESSAGE_LEN] {
        let mut m = [0u8; CHECKPOINT_MESSAGE_LEN];
        m[..28].copy_from_slice(CHECKPOINT_LABEL);
        m[28..60].copy_from_slice(&self.election.0);
        m[60..68].copy_from_slice(&self.size.to_be_bytes());
        m[68..100].copy_from_slice(&self.root.0);
        m[100..108].copy_from_slice(&self.time.to_be_bytes());
        m
    }

    /// Signs the checkpoint with the board key.
    pub fn sign(&self, key: &SigningKey) -> SignedCheckpoint {
        let sig = key.sign(&self.signed_message());
        SignedCheckpoint {
            election: self.election,
            size: self.size,
            root: self.root,
            time: self.time,
            signature: sig.to_bytes(),
        }
    }
}

/// A checkpoint with the board's signature.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    /// Election whose log this is.
    pub election: ElectionId,
    /// Number of entries covered.
    pub size: u64,
    /// `MTH` of the first `size` entries.
    pub root: Hash,
    /// Seconds since the Unix epoch, UTC.
    pub time: u64,
    /// Ed25519 signature over [`Checkpoint::signed_message`], lowercase hex.
    #[serde(with = "crate::bytes::hex_array")]
    pub signature: [u8; 64],
}

impl SignedCheckpoint {
    /// The checkpoint without its signature.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            election: self.election,
            size: self.size,
            root: self.root,
            time: self.time,
        }
    }

    /// Verifies the signature (strict Ed25519: no small-order keys, no
    /// malleable signatures).
    pub fn verify(&self, key: &BoardPublicKey) -> Result<(), CheckpointError> {
        let vk = key.verifying_key()?;
        let sig = Signature::from_bytes(&self.signature);
        vk.verify_strict(&self.checkpoint().signed_message(), &sig)
            .map_err(|_| CheckpointError::BadSignature)
    }
}

impl core::fmt::Debug for SignedCheckpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignedCheckpoint")
            .field("election", &self.election)
            .field("size", &self.size)
            .field("root", &self.root)
            .field("time", &self.time)
            .field("signature", &hex::encode(self.signature))
            .finish()
    }
}
