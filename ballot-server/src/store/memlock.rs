//! In-process round locks for the single-process SQLite store: one tokio
//! read-write lock per round.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

use super::{LockHandle, RoundLock};

/// A lock per round id.
#[derive(Default)]
pub(crate) struct MemLocks {
    locks: Mutex<HashMap<String, Arc<RwLock<()>>>>,
}

struct Shared(#[allow(dead_code)] OwnedRwLockReadGuard<()>);
struct Exclusive(#[allow(dead_code)] OwnedRwLockWriteGuard<()>);

#[async_trait]
impl LockHandle for Shared {
    async fn release(self: Box<Self>) {}
}

#[async_trait]
impl LockHandle for Exclusive {
    async fn release(self: Box<Self>) {}
}

impl MemLocks {
    fn lock_of(&self, round: &str) -> Arc<RwLock<()>> {
        let mut map = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(round.to_string()).or_default().clone()
    }

    pub(crate) async fn shared(&self, round: &str) -> RoundLock {
        RoundLock::new(Box::new(Shared(self.lock_of(round).read_owned().await)))
    }

    pub(crate) async fn exclusive(&self, round: &str) -> RoundLock {
        RoundLock::new(Box::new(Exclusive(self.lock_of(round).write_owned().await)))
    }
}
