//! A trustee's secrets at rest: one file encrypted under a passphrase
//! (specs/server-api.md §8). Key = Argon2id(passphrase, salt, m, t, p);
//! cipher XChaCha20-Poly1305 with a random 24-byte nonce, the KDF
//! parameters bound as associated data. A new nonce and salt are drawn at
//! every save. The plaintext (a [`TrusteeSession`] during the ceremony, a
//! [`TrusteeShare`] after it) is zeroized after use.

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use psephos_crypto::threshold::{TrusteeAnnouncement, TrusteeSession, TrusteeShare};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::wire::{ComplaintList, Dealing};

/// The `format` field of a vault file.
pub const FORMAT: &str = "psephos-trustee-vault";

/// Why a vault could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// File system error.
    #[error("vault file: {0}")]
    Io(#[from] std::io::Error),
    /// Not a vault file of a known version.
    #[error("not a psephos trustee vault file")]
    Format,
    /// Wrong passphrase or altered file.
    #[error("wrong passphrase, or the vault file was altered")]
    Decrypt,
    /// Key derivation failed (bad parameters).
    #[error("key derivation: {0}")]
    Kdf(String),
}

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane (RFC 9106's second recommended option).
    fn default() -> Self {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

impl KdfParams {
    /// Cheap parameters for tests and demos only.
    pub fn insecure_fast() -> Self {
        KdfParams {
            m_kib: 256,
            t: 1,
            p: 1,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VaultFile {
    format: String,
    version: u32,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    ciphertext: String,
}

/// What a vault holds.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultContent {
    /// The server this trustee works with.
    pub server: Option<String>,
    /// The ceremony session (phases 1–3).
    pub session: Option<TrusteeSession>,
    /// The share (after the ceremony).
    pub share: Option<TrusteeShare>,
    /// Public messages already sent, re-sent byte for byte on a retry.
    #[serde(default)]
    pub sent: SentMessages,
}

/// The public ceremony messages a trustee has sent (so that a retry never
/// sends a second, different message: that would be equivocation).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentMessages {
    /// Phase 1.
    pub announcement: Option<TrusteeAnnouncement>,
    /// Phase 2.
    pub dealing: Option<Dealing>,
    /// Phase 3.
    pub complaints: Option<ComplaintList>,
}

impl core::fmt::Debug for VaultContent {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("VaultContent(<secret>)")
    }
}

fn aad(kdf: &KdfParams, salt: &str) -> Vec<u8> {
    format!("{FORMAT}/1/{}/{}/{}/{salt}", kdf.m_kib, kdf.t, kdf.p).into_bytes()
}

fn derive_key(
    passphrase: &[u8],
    salt: &[u8],
    kdf: &KdfParams,
) -> Result<Zeroizing<[u8; 32]>, VaultError> {
    let params = Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32))
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase, salt, &mut key[..])
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    Ok(key)
}

/// Encrypts `content` and writes it to `path` (atomically, mode 0600).
pub fn save(
    path: &Path,
    passphrase: &[u8],
    kdf: KdfParams,
    content: &VaultContent,
) -> Result<(), VaultError> {
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let key = derive_key(passphrase, &salt, &kdf)?;
    let plain = Zeroizing::new(serde_json::to_vec(content).map_err(|_| VaultError::Format)?);
    let salt_hex = hex::encode(salt);
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: &aad(&kdf, &salt_hex),
            },
        )
        .map_err(|_| VaultError::Decrypt)?;
    let file = VaultFile {
        format: FORMAT.into(),
        version: 1,
        kdf,
        salt: salt_hex,
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ct),
    };
    let bytes = serde_json::to_vec_pretty(&file).map_err(|_| VaultError::Format)?;
    let tmp = path.with_extension("tmp");
    write_private(&tmp, &bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// Reads and decrypts the vault at `path`.
pub fn load(path: &Path, passphrase: &[u8]) -> Result<(VaultContent, KdfParams), VaultError> {
    let bytes = std::fs::read(path)?;
    let file: VaultFile = serde_json::from_slice(&bytes).map_err(|_| VaultError::Format)?;
    if file.format != FORMAT || file.version != 1 {
        return Err(VaultError::Format);
    }
    let salt = hex::decode(&file.salt).map_err(|_| VaultError::Format)?;
    let nonce = hex::decode(&file.nonce).map_err(|_| VaultError::Format)?;
    let ct = hex::decode(&file.ciphertext).map_err(|_| VaultError::Format)?;
    if nonce.len() != 24 || salt.len() < 8 {
        return Err(VaultError::Format);
    }
    let key = derive_key(passphrase, &salt, &file.kdf)?;
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ct,
                    aad: &aad(&file.kdf, &file.salt),
                },
            )
            .map_err(|_| VaultError::Decrypt)?,
    );
    let content = serde_json::from_slice(&plain).map_err(|_| VaultError::Format)?;
    Ok((content, file.kdf))
}

#[cfg(test)]
mod tests {
    use super::*;
    use psephos_crypto::threshold::CeremonyParameters;

    #[test]
    fn round_trip_wrong_passphrase_and_tamper() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t1.vault");
        let params = CeremonyParameters::new([1; 32], 3, 2).unwrap();
        let (session, _) = TrusteeSession::new(&params, 1, &mut OsRng).unwrap();
        let content = VaultContent {
            server: Some("http://127.0.0.1:1".into()),
            session: Some(session),
            ..VaultContent::default()
        };
        save(
            &path,
            b"correct horse",
            KdfParams::insecure_fast(),
            &content,
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("encryption_secret"));
        let (back, kdf) = load(&path, b"correct horse").unwrap();
        assert_eq!(kdf, KdfParams::insecure_fast());
        assert_eq!(back.session.unwrap().index(), 1);
        assert!(matches!(
            load(&path, b"wrong").unwrap_err(),
            VaultError::Decrypt
        ));
        let tampered = text.replace("\"t\": 1", "\"t\": 2");
        std::fs::write(&path, tampered).unwrap();
        assert!(matches!(
            load(&path, b"correct horse").unwrap_err(),
            VaultError::Decrypt
        ));
    }
}
