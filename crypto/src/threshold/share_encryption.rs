//! Encryption of a dealer's share to its recipient (spec §6).
//!
//! Dealer `i` encrypts `fᵢ(j)` to recipient `j`'s key `Pⱼ`:
//!
//! ```text
//! e ← random,  E = eG,  S = e·Pⱼ            (recipient: S = pⱼ·E)
//! h     = SHA-512(KDF_LABEL ‖ ceremony_id ‖ be32(i) ‖ be32(j) ‖ E ‖ Pⱼ ‖ S)
//! key   = h[0..32],  nonce = h[32..44]
//! aad   = ceremony_id ‖ be32(i) ‖ be32(j)                        (40 bytes)
//! ct    = ChaCha20-Poly1305(key, nonce, aad, le32(fᵢ(j)))     (32 + 16 bytes)
//! ```
//!
//! Every field of the hash input has a fixed length, so the concatenation is
//! unambiguous. Key and nonce are fresh for every `E`, so one key encrypts one
//! message and a nonce fixed by the key is safe. Revealing `S` (a complaint)
//! opens this one message and no other: `pⱼ` stays secret.

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce, Tag};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

use super::messages::{EncryptedShare, SHARE_CIPHERTEXT_LEN};
use super::{CeremonyParameters, SPEC_VERSION};
use crate::error::{CryptoError, Result};
use crate::generators::g_table;

/// Domain-separation label of the key derivation (spec §6).
pub const KDF_LABEL: &[u8] = b"psephos v1/threshold/share-encryption";

struct Keys {
    key: Zeroizing<[u8; 32]>,
    nonce: [u8; 12],
}

fn derive_keys(
    ceremony_id: &[u8; 32],
    dealer: u32,
    recipient: u32,
    ephemeral: &RistrettoPoint,
    recipient_key: &RistrettoPoint,
    shared_secret: &RistrettoPoint,
) -> Keys {
    let mut hasher = Sha512::new();
    hasher.update(KDF_LABEL);
    hasher.update(ceremony_id);
    hasher.update(dealer.to_be_bytes());
    hasher.update(recipient.to_be_bytes());
    hasher.update(ephemeral.compress().as_bytes());
    hasher.update(recipient_key.compress().as_bytes());
    hasher.update(Zeroizing::new(shared_secret.compress().to_bytes()).as_slice());
    let h = Zeroizing::new(<[u8; 64]>::from(hasher.finalize()));
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&h[..32]);
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&h[32..44]);
    Keys { key, nonce }
}

/// The associated data `ceremony_id ‖ be32(i) ‖ be32(j)` (spec §6).
pub fn associated_data(ceremony_id: &[u8; 32], dealer: u32, recipient: u32) -> [u8; 40] {
    let mut aad = [0u8; 40];
    aad[..32].copy_from_slice(ceremony_id);
    aad[32..36].copy_from_slice(&dealer.to_be_bytes());
    aad[36..].copy_from_slice(&recipient.to_be_bytes());
    aad
}

/// Encrypts `share` from `dealer` to `recipient`, whose announced key is
/// `recipient_key` (spec §6). The caller is responsible for `share`: an
/// honest dealer passes `fᵢ(j)`.
pub fn encrypt_share<R: RngCore + CryptoRng>(
    params: &CeremonyParameters,
    dealer: u32,
    recipient: u32,
    recipient_key: &RistrettoPoint,
    share: &Scalar,
    rng: &mut R,
) -> Result<EncryptedShare> {
    let e = Zeroizing::new(Scalar::random(rng));
    let ephemeral = g_table() * &*e;
    let shared_secret = recipient_key * *e;
    let keys = derive_keys(
        &params.ceremony_id,
        dealer,
        recipient,
        &ephemeral,
        recipient_key,
        &shared_secret,
    );
    let cipher = ChaCha20Poly1305::new(keys.key.as_ref().into());
    let aad = associated_data(&params.ceremony_id, dealer, recipient);
    let mut buf = Zeroizing::new(share.to_bytes());
    let tag = cipher
        .encrypt_in_place_detached(Nonce::from_slice(&keys.nonce), &aad, buf.as_mut_slice())
        .map_err(|_| CryptoError::Unsupported("share encryption".into()))?;
    let mut ciphertext = Vec::with_capacity(SHARE_CIPHERTEXT_LEN);
    ciphertext.extend_from_slice(buf.as_slice());
    ciphertext.extend_from_slice(&tag);
    Ok(EncryptedShare {
        spec_version: SPEC_VERSION,
        ceremony_id: params.ceremony_id,
        dealer,
        recipient,
        ephemeral,
        ciphertext,
    })
}

/// The Diffie–Hellman point `S = pⱼ·E` the recipient computes with its
/// secret `pⱼ` (constant time in `pⱼ`).
pub fn recipient_shared_secret(secret: &Scalar, share: &EncryptedShare) -> RistrettoPoint {
    share.ephemeral * secret
}

/// Opens a share with the Diffie–Hellman point `S` (spec §6, §7.2 step 2).
/// `None` when the ciphertext has the wrong length, the tag does not verify,
/// or the plaintext is not a canonical scalar: in every case the dealer is at
/// fault.
pub fn open_share(
    share: &EncryptedShare,
    recipient_key: &RistrettoPoint,
    shared_secret: &RistrettoPoint,
) -> Option<Zeroizing<Scalar>> {
    if share.ciphertext.len() != SHARE_CIPHERTEXT_LEN {
        return None;
    }
    let keys = derive_keys(
        &share.ceremony_id,
        share.dealer,
        share.recipient,
        &share.ephemeral,
        recipient_key,
        shared_secret,
    );
    let cipher = ChaCha20Poly1305::new(keys.key.as_ref().into());
    let aad = associated_data(&share.ceremony_id, share.dealer, share.recipient);
    let mut buf = Zeroizing::new([0u8; 32]);
    buf.copy_from_slice(&share.ciphertext[..32]);
    let tag = Tag::from_slice(&share.ciphertext[32..]);
    cipher
        .decrypt_in_place_detached(
            Nonce::from_slice(&keys.nonce),
            &aad,
            buf.as_mut_slice(),
            tag,
        )
        .ok()?;
    Option::<Scalar>::from(Scalar::from_canonical_bytes(*buf)).map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn round_trip_and_binding() {
        let params = CeremonyParameters::new([7; 32], 3, 2).unwrap();
        let p = Scalar::random(&mut OsRng);
        let pk = g_table() * &p;
        let share = Scalar::random(&mut OsRng);
        let msg = encrypt_share(&params, 1, 2, &pk, &share, &mut OsRng).unwrap();
        assert_eq!(msg.ciphertext.len(), SHARE_CIPHERTEXT_LEN);
        let s = recipient_shared_secret(&p, &msg);
        assert_eq!(*open_share(&msg, &pk, &s).unwrap(), share);
        // Wrong DH point, wrong indices (AAD and key), flipped byte.
        assert!(open_share(&msg, &pk, &(s + pk)).is_none());
        assert!(open_share(
            &EncryptedShare {
                dealer: 3,
                ..msg.clone()
            },
            &pk,
            &s
        )
        .is_none());
        assert!(open_share(
            &EncryptedShare {
                ceremony_id: [8; 32],
                ..msg.clone()
            },
            &pk,
            &s
        )
        .is_none());
        let mut flipped = msg.clone();
        flipped.ciphertext[5] ^= 1;
        assert!(open_share(&flipped, &pk, &s).is_none());
        flipped.ciphertext.pop();
        assert!(open_share(&flipped, &pk, &s).is_none());
    }
}
