//! A ledger of every secret a demo run makes — credential codes, ballot
//! randomness, trustee tokens, passphrases and vault secrets, the board
//! key — kept only when asked (`DemoArgs::keep_secrets`), so that a test
//! can grep the run's logs for each of them (specs/threats.md T15).

use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

/// Shared, append-only; `Debug` prints only the count.
#[derive(Clone, Default)]
pub struct Secrets(Option<Arc<Mutex<Vec<Zeroizing<String>>>>>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({})", self.take_len())
    }
}

impl Secrets {
    /// A ledger that keeps what it is given (`keep`), or one that drops it.
    pub fn new(keep: bool) -> Self {
        Secrets(keep.then(Arc::default))
    }

    /// Whether this ledger keeps anything.
    pub fn keeps(&self) -> bool {
        self.0.is_some()
    }

    /// Records one secret in its text form.
    pub fn add(&self, s: &str) {
        if let Some(v) = &self.0 {
            v.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Zeroizing::new(s.to_string()));
        }
    }

    /// Records every 64-hex-digit string (a scalar, key or seed) in `v`.
    pub fn add_hex_in(&self, v: &serde_json::Value) {
        if !self.keeps() {
            return;
        }
        match v {
            serde_json::Value::String(s) if s.len() == 64 && hex::decode(s).is_ok() => self.add(s),
            serde_json::Value::Array(a) => a.iter().for_each(|x| self.add_hex_in(x)),
            serde_json::Value::Object(o) => o.values().for_each(|x| self.add_hex_in(x)),
            _ => {}
        }
    }

    fn take_len(&self) -> usize {
        self.0
            .as_ref()
            .map_or(0, |v| v.lock().unwrap_or_else(|e| e.into_inner()).len())
    }

    /// Everything recorded.
    pub fn all(&self) -> Vec<Zeroizing<String>> {
        self.0.as_ref().map_or_else(Vec::new, |v| {
            v.lock().unwrap_or_else(|e| e.into_inner()).clone()
        })
    }
}
