//! [`SupportState`]: replaying a support log with the counting rule
//! (spec `initiatives.md` §5.3; verification.md 11.2–11.7). The log's roll
//! is the snapshot of `support.roll`, grown by `support.roll-add` (§5.2);
//! `required` stays the one `support.open` fixed.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    err, member_id_ok, Amv, Freeze, Officer, Open, Result, RollAdd, RollHasher, SupportEntry,
    SupportError, ROLL_PART,
};
use crate::ballot::SPEC_VERSION;

/// Where the replay is in the fixed prefix `open, roll…, version 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    Empty,
    Roll { next_part: u64 },
    Open,
    FreezeDue { at_index: u64 },
    Frozen,
}

/// The state of a support log after replaying a prefix of it (§5.3).
#[derive(Clone, Debug)]
pub struct SupportState {
    phase: Phase,
    hasher: Option<RollHasher>,
    /// `support.open`, once read.
    pub open: Option<Open>,
    /// The log's roll so far: the snapshot, then every `support.roll-add`.
    pub roll: BTreeSet<String>,
    /// Member ids added by `support.roll-add` entries.
    pub roll_added: u64,
    /// Text hashes of versions 1, 2, …
    pub versions: Vec<[u8; 32]>,
    /// Each member's standing support (the version), if any.
    pub standing: BTreeMap<String, u64>,
    /// Each member's last `seq`.
    pub seq: BTreeMap<String, u64>,
    /// Members standing behind each version.
    pub counts: BTreeMap<u64, u64>,
    /// The freeze and its index.
    pub freeze: Option<(Freeze, u64)>,
    /// The AMV draft entry.
    pub amv: Option<Amv>,
    /// The officers' action.
    pub officer: Option<Officer>,
    /// Entries replayed.
    pub size: u64,
}

impl Default for SupportState {
    fn default() -> Self {
        SupportState {
            phase: Phase::Empty,
            hasher: None,
            open: None,
            roll: BTreeSet::new(),
            roll_added: 0,
            versions: Vec::new(),
            standing: BTreeMap::new(),
            seq: BTreeMap::new(),
            counts: BTreeMap::new(),
            freeze: None,
            amv: None,
            officer: None,
            size: 0,
        }
    }
}

fn order(message: impl Into<String>) -> SupportError {
    err("support.order", message)
}

impl SupportState {
    /// The current version (0 before version 1).
    pub fn current_version(&self) -> u64 {
        self.versions.len() as u64
    }

    /// Members standing behind the current version.
    pub fn count(&self) -> u64 {
        self.counts
            .get(&self.current_version())
            .copied()
            .unwrap_or(0)
    }

    /// Supporters required (0 before `open`).
    pub fn required(&self) -> u64 {
        self.open.as_ref().map_or(0, |o| o.required)
    }

    /// True once frozen (or a freeze is due).
    pub fn is_frozen(&self) -> bool {
        matches!(self.phase, Phase::Frozen | Phase::FreezeDue { .. })
    }

    /// True if supports may be added now (the prefix is complete and the
    /// log is not frozen).
    pub fn is_accepting(&self) -> bool {
        self.phase == Phase::Open
    }

    /// A member's next `seq`.
    pub fn next_seq(&self, member: &str) -> u64 {
        self.seq.get(member).copied().unwrap_or(0) + 1
    }

    /// The freeze that must follow now, if the last add reached the
    /// threshold.
    pub fn freeze_due(&self) -> Option<u64> {
        match self.phase {
            Phase::FreezeDue { at_index } => Some(at_index),
            _ => None,
        }
    }

    fn check_member(&self, member: &str, seq: u64) -> Result<()> {
        if !self.roll.contains(member) {
            return Err(err(
                "member.unknown",
                format!("member {member:?} is not on the log's roll so far"),
            ));
        }
        if seq != self.next_seq(member) {
            return Err(err(
                "support.seq",
                format!(
                    "seq {seq} of {member:?}, expected {}",
                    self.next_seq(member)
                ),
            ));
        }
        Ok(())
    }

    /// A `support.roll-add` (§5.2): 1 to [`ROLL_PART`] valid ids, strictly
    /// ascending, none on the log's roll so far.
    fn check_roll_add(&self, r: &RollAdd) -> Result<()> {
        if r.members.is_empty() || r.members.len() > ROLL_PART {
            return Err(err(
                "support.roll_add",
                format!("{} ids, not 1 to {ROLL_PART}", r.members.len()),
            ));
        }
        let mut last: Option<&String> = None;
        for m in &r.members {
            if !member_id_ok(m) || last.is_some_and(|l| l >= m) {
                return Err(err(
                    "support.roll_add",
                    format!("id {m:?} invalid or not ascending"),
                ));
            }
            if self.roll.contains(m) {
                return Err(err(
                    "support.roll_add",
                    format!("{m:?} is on the log's roll already"),
                ));
            }
            last = Some(m);
        }
        Ok(())
    }

    /// Checks that `e` may be the next entry, without changing anything.
    pub fn check(&self, e: &SupportEntry) -> Result<()> {
        match (&self.phase, e) {
            (Phase::Empty, SupportEntry::Open(o)) => {
                if o.spec_version != SPEC_VERSION {
                    return Err(err("record.unknown_version", "unknown spec_version"));
                }
                if !o.threshold.is_valid() || o.required != o.threshold.required(o.roll_size) {
                    return Err(err(
                        "support.malformed",
                        "required differs from the threshold",
                    ));
                }
                if o.roll_size == 0 {
                    return Err(err("support.malformed", "empty roll"));
                }
                Ok(())
            }
            (Phase::Empty, _) => Err(order("the first entry must be support.open")),
            (Phase::Roll { next_part }, SupportEntry::Roll(p)) => {
                if p.part != *next_part || p.members.is_empty() || p.members.len() > ROLL_PART {
                    return Err(order(format!("roll part {} out of place or size", p.part)));
                }
                let mut last = self.roll.last();
                for m in &p.members {
                    if !member_id_ok(m) || last.is_some_and(|l| l.as_str() >= m.as_str()) {
                        return Err(order(format!("roll id {m:?} invalid or not ascending")));
                    }
                    last = Some(m);
                }
                let size = self.open.as_ref().map_or(0, |o| o.roll_size);
                if self.roll.len() as u64 + p.members.len() as u64 > size {
                    return Err(order("more roll ids than roll_size"));
                }
                Ok(())
            }
            (Phase::Roll { .. }, SupportEntry::Version(v)) => {
                let o = self.open.as_ref().expect("open read");
                if self.roll.len() as u64 != o.roll_size {
                    return Err(order("fewer roll ids than roll_size"));
                }
                let h = self.hasher.clone().expect("hasher").finish();
                if h != o.roll_hash {
                    return Err(err(
                        "support.roll_hash",
                        "roll parts do not hash to roll_hash",
                    ));
                }
                if v.version != 1 {
                    return Err(order("the first version must be 1"));
                }
                Ok(())
            }
            (Phase::Roll { .. }, _) => Err(order("roll parts then version 1 must follow open")),
            (Phase::Open, SupportEntry::Version(v)) => {
                if v.version != self.current_version() + 1 {
                    return Err(order(format!("version {} out of order", v.version)));
                }
                Ok(())
            }
            (Phase::Open, SupportEntry::RollAdd(r)) => self.check_roll_add(r),
            (Phase::Open, SupportEntry::Add(a)) => {
                self.check_member(&a.member, a.seq)?;
                let cur = self.current_version();
                if a.version != cur || self.versions.last() != Some(&a.text_hash) {
                    return Err(err(
                        "support.wrong_version",
                        format!("support of version {}, current is {cur}", a.version),
                    ));
                }
                if self.standing.get(&a.member) == Some(&cur) {
                    return Err(err(
                        "support.duplicate",
                        format!("{:?} already supports version {cur}", a.member),
                    ));
                }
                Ok(())
            }
            (Phase::Open, SupportEntry::Withdraw(w)) => {
                self.check_member(&w.member, w.seq)?;
                if self.standing.get(&w.member) != Some(&w.version) {
                    return Err(err(
                        "support.not_supporting",
                        format!("{:?} does not support version {}", w.member, w.version),
                    ));
                }
                Ok(())
            }
            (Phase::FreezeDue { at_index }, SupportEntry::Freeze(f)) => {
                let cur = self.current_version();
                let ok = f.at_index == *at_index
                    && f.version == cur
                    && Some(&f.text_hash) == self.versions.last()
                    && f.count == self.count();
                if ok {
                    Ok(())
                } else {
                    Err(err("support.freeze", "freeze differs from the recount"))
                }
            }
            (Phase::FreezeDue { .. }, _) => Err(err(
                "support.freeze",
                "the threshold was reached: support.freeze must follow",
            )),
            (Phase::Open, SupportEntry::Freeze(_)) => Err(err(
                "support.freeze",
                "freeze before the threshold was reached",
            )),
            (Phase::Frozen, SupportEntry::Amv(_)) if self.amv.is_none() => Ok(()),
            (Phase::Frozen, SupportEntry::Officer(_))
                if self.amv.is_some() && self.officer.is_none() =>
            {
                Ok(())
            }
            (Phase::Frozen, SupportEntry::Add(_) | SupportEntry::Withdraw(_))
            | (Phase::Frozen, SupportEntry::Version(_)) => {
                Err(err("proposal.frozen", "the proposal is frozen"))
            }
            (_, e) => Err(order(format!("{} out of place", e.kind()))),
        }
    }

    /// Checks `e` and applies it as entry `index`.
    pub fn apply(&mut self, index: u64, e: &SupportEntry) -> Result<()> {
        if index != self.size {
            return Err(order(format!("index {index}, expected {}", self.size)));
        }
        self.check(e)?;
        match e {
            SupportEntry::Open(o) => {
                self.open = Some(o.clone());
                self.hasher = Some(RollHasher::default());
                self.phase = Phase::Roll { next_part: 0 };
            }
            SupportEntry::Roll(p) => {
                let h = self.hasher.as_mut().expect("hasher");
                for m in &p.members {
                    h.push(m);
                    self.roll.insert(m.clone());
                }
                self.phase = Phase::Roll {
                    next_part: p.part + 1,
                };
            }
            SupportEntry::RollAdd(r) => {
                self.roll.extend(r.members.iter().cloned());
                self.roll_added += r.members.len() as u64;
            }
            SupportEntry::Version(v) => {
                self.versions.push(v.text_hash);
                self.phase = Phase::Open;
                self.hasher = None;
            }
            SupportEntry::Add(a) => {
                if let Some(old) = self.standing.insert(a.member.clone(), a.version) {
                    *self.counts.entry(old).or_default() -= 1;
                }
                *self.counts.entry(a.version).or_default() += 1;
                self.seq.insert(a.member.clone(), a.seq);
                if self.count() >= self.required() {
                    self.phase = Phase::FreezeDue { at_index: index };
                }
            }
            SupportEntry::Withdraw(w) => {
                self.standing.remove(&w.member);
                *self.counts.entry(w.version).or_default() -= 1;
                self.seq.insert(w.member.clone(), w.seq);
            }
            SupportEntry::Freeze(f) => {
                self.freeze = Some((f.clone(), index));
                self.phase = Phase::Frozen;
            }
            SupportEntry::Amv(a) => self.amv = Some(a.clone()),
            SupportEntry::Officer(o) => self.officer = Some(o.clone()),
        }
        self.size += 1;
        Ok(())
    }

    /// The officers' deadline: `freeze.at + officer_days · 86400`.
    pub fn deadline(&self) -> Option<u64> {
        let (f, _) = self.freeze.as_ref()?;
        let days = self.open.as_ref()?.officer_days;
        Some(f.at.saturating_add(days.saturating_mul(86_400)))
    }
}
