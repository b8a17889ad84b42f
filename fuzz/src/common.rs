//! Helpers shared by the targets.

use std::fmt::Debug;

use psephos_board::BoardPublicKey;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A fixed-seed RNG: a failing input replays exactly.
pub fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0x5eed)
}

/// Decodes `data` as JSON of `T`; on success checks the round trip:
/// encoding the value and decoding it again gives the same value, and the
/// encoding is a fixed point (encode∘decode∘encode = encode).
pub fn json_roundtrip<T>(data: &[u8]) -> Option<T>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let value: T = serde_json::from_slice(data).ok()?;
    let bytes = serde_json::to_vec(&value).expect("an accepted value serialises");
    let again: T = serde_json::from_slice(&bytes).expect("our own encoding decodes");
    assert_eq!(value, again, "decode(encode(x)) != x");
    let bytes2 = serde_json::to_vec(&again).expect("serialises");
    assert_eq!(bytes, bytes2, "encoding is not a fixed point");
    Some(value)
}

/// Splits the input of a key-prefixed target: the first 32 bytes are the
/// board's public key, the rest the document (fewer than 32 bytes: an
/// all-zero key, which is not a valid point, and the whole input).
pub fn split_key(data: &[u8]) -> (BoardPublicKey, &[u8]) {
    if data.len() < 32 {
        return (BoardPublicKey([0; 32]), data);
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&data[..32]);
    (BoardPublicKey(key), &data[32..])
}
