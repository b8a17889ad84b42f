//! The round state machine (specs/server-api.md §4, record.md §1):
//!
//! ```text
//! Draft ─ceremony→ KeyCeremony ─freeze→ Frozen ─open→ Open ─close→ Closed ─tally→ Tallying ─publish→ Published
//!   └──────────────┴──────────────────────┴─cancel→ Cancelled
//! ```
//!
//! [`next`] is the one place that decides whether a transition is legal;
//! everything else asks it. An illegal transition is refused with
//! `round.illegal_transition` (409).

use psephos_trustee::wire::RoundState;

use crate::error::{Result, ServerError};

/// The officer transitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Start (or restart) the key ceremony.
    Ceremony,
    /// Put the manifest on the board.
    Freeze,
    /// Publish the credential list and open.
    Open,
    /// Stop accepting ballots.
    Close,
    /// Compute and post the encrypted tally.
    Tally,
    /// Post the result.
    Publish,
    /// Abandon a round that never opened.
    Cancel,
}

impl Transition {
    /// The name in URLs and board entries.
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Ceremony => "ceremony",
            Transition::Freeze => "freeze",
            Transition::Open => "open",
            Transition::Close => "close",
            Transition::Tally => "tally",
            Transition::Publish => "publish",
            Transition::Cancel => "cancel",
        }
    }

    /// Parses a URL segment.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ceremony" => Transition::Ceremony,
            "freeze" => Transition::Freeze,
            "open" => Transition::Open,
            "close" => Transition::Close,
            "tally" => Transition::Tally,
            "publish" => Transition::Publish,
            "cancel" => Transition::Cancel,
            _ => return None,
        })
    }

    /// True for the transitions written to the board as `transition`
    /// entries (record.md §8); `cancel` only once the round is frozen.
    pub fn on_board(self, from: RoundState) -> bool {
        match self {
            Transition::Open | Transition::Close | Transition::Tally | Transition::Publish => true,
            Transition::Cancel => from == RoundState::Frozen,
            Transition::Ceremony | Transition::Freeze => false,
        }
    }
}

/// The state after `t` from `from`, or `round.illegal_transition`.
pub fn next(from: RoundState, t: Transition) -> Result<RoundState> {
    use RoundState as S;
    use Transition as T;
    let to = match (from, t) {
        (S::Draft | S::KeyCeremony, T::Ceremony) => S::KeyCeremony,
        (S::KeyCeremony, T::Freeze) => S::Frozen,
        (S::Frozen, T::Open) => S::Open,
        (S::Open, T::Close) => S::Closed,
        (S::Closed, T::Tally) => S::Tallying,
        (S::Tallying, T::Publish) => S::Published,
        (S::Draft | S::KeyCeremony | S::Frozen, T::Cancel) => S::Cancelled,
        _ => {
            return Err(ServerError::conflict(
                "round.illegal_transition",
                format!("cannot {} a round in state {}", t.as_str(), from.as_str()),
            ))
        }
    };
    Ok(to)
}

/// Refuses unless the round is in one of `allowed` (`round.wrong_state`).
pub fn require(state: RoundState, allowed: &[RoundState], what: &str) -> Result<()> {
    if allowed.contains(&state) {
        Ok(())
    } else {
        Err(ServerError::conflict(
            "round.wrong_state",
            format!("cannot {what} while the round is {}", state.as_str()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_path_and_refusals() {
        use RoundState as S;
        use Transition as T;
        let mut s = S::Draft;
        for t in [
            T::Ceremony,
            T::Freeze,
            T::Open,
            T::Close,
            T::Tally,
            T::Publish,
        ] {
            s = next(s, t).unwrap();
        }
        assert_eq!(s, S::Published);
        for (from, t) in [
            (S::Draft, T::Open),
            (S::Open, T::Cancel),
            (S::Closed, T::Open),
            (S::Published, T::Close),
            (S::Cancelled, T::Ceremony),
            (S::Frozen, T::Freeze),
            (S::Tallying, T::Tally),
        ] {
            let e = next(from, t).unwrap_err();
            assert_eq!(e.code, "round.illegal_transition");
        }
        assert!(Transition::Cancel.on_board(S::Frozen));
        assert!(!Transition::Cancel.on_board(S::Draft));
    }
}
