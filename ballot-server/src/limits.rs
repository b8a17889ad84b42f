//! Rate limits (specs/server-api.md §7): token buckets per client IP (all
//! requests) and per credential (casts and audits). A refusal is 429 with
//! `rate.ip` or `rate.credential`. Buckets idle long enough to be full
//! again are forgotten, so the maps stay small.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::error::{ErrorClass, Result, ServerError};

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets keyed by `K`.
pub struct Buckets<K> {
    rate_per_sec: f64,
    burst: f64,
    map: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    /// `rate_per_sec` tokens per second, at most `burst` saved.
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        Buckets {
            rate_per_sec,
            burst,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`; false when none is left.
    pub fn take(&self, key: &K) -> bool {
        let now = Instant::now();
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            let full = self.burst / self.rate_per_sec;
            map.retain(|_, b| now.duration_since(b.at).as_secs_f64() < full);
        }
        let b = map.entry(key.clone()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.duration_since(b.at).as_secs_f64() * self.rate_per_sec;
        b.tokens = (b.tokens + refill).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The server's limiters.
pub struct RateLimits {
    ip: Buckets<IpAddr>,
    credential: Buckets<[u8; 32]>,
}

impl RateLimits {
    /// Per-IP `(per second, burst)` and per-credential `(per minute, burst)`.
    pub fn new(ip: (f64, f64), credential: (f64, f64)) -> Self {
        RateLimits {
            ip: Buckets::new(ip.0, ip.1),
            credential: Buckets::new(credential.0 / 60.0, credential.1),
        }
    }

    /// One request from `ip`.
    pub fn check_ip(&self, ip: IpAddr) -> Result<()> {
        if self.ip.take(&ip) {
            Ok(())
        } else {
            Err(ServerError::new(
                ErrorClass::TooMany,
                "rate.ip",
                "too many requests from this address; slow down",
            ))
        }
    }

    /// One cast or audit by `credential`.
    pub fn check_credential(&self, credential: &[u8; 32]) -> Result<()> {
        if self.credential.take(credential) {
            Ok(())
        } else {
            Err(ServerError::new(
                ErrorClass::TooMany,
                "rate.credential",
                "too many ballots from this credential; slow down",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_refuses() {
        let b = Buckets::new(0.001, 3.0);
        assert!(b.take(&1));
        assert!(b.take(&1));
        assert!(b.take(&1));
        assert!(!b.take(&1));
        assert!(b.take(&2));
    }
}
