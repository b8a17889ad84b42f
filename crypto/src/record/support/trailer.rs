//! The trailers that bind an AMV question's description to the texts it
//! puts to the vote (spec `initiatives.md` §7.1), written by the server
//! and read by the verifier (verification.md 11.8) from this one place:
//!
//! - the **binding trailer** of a `yes_no` question, at the very end of
//!   the description after the frozen body:
//!   `\n\n---\npsephos-initiative: P v<n> sha256:<hex>\n`;
//! - the **option trailer** of each proposal option of a
//!   `systemic_consensus` or `ranked` question, after that option's body:
//!   `\n\n---\npsephos-initiative-option: P v<n> sha256:<hex>\n`.
//!
//! `P` is the proposal id, `n` the version in decimal without leading
//! zeros, `<hex>` the version's text hash (§3.2) in lowercase hex. A
//! trailer is read strictly: it is parsed, written again, and accepted
//! only if the bytes are the same. No line of a body may start with
//! [`LINE_PREFIX`] (§3.1), so every trailer a description carries is the
//! server's.

/// The start of every trailer line (§7.1); no line of a body may start
/// with it, after spaces (§3.1).
pub const LINE_PREFIX: &str = "psephos-initiative";

/// What a trailer binds (§7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrailerKind {
    /// `psephos-initiative:`, the end of a `yes_no` description.
    Binding,
    /// `psephos-initiative-option:`, one proposal option's section.
    Option,
}

impl TrailerKind {
    /// The label before the colon.
    pub fn label(self) -> &'static str {
        match self {
            TrailerKind::Binding => "psephos-initiative",
            TrailerKind::Option => "psephos-initiative-option",
        }
    }

    /// What every trailer of this kind starts with, up to the proposal id.
    fn head(self) -> String {
        format!("\n\n---\n{}: ", self.label())
    }
}

/// A trailer: proposal `proposal` at version `version`, whose text hash is
/// `text_hash` (§7.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trailer {
    /// Binding or option trailer.
    pub kind: TrailerKind,
    /// Proposal id.
    pub proposal: String,
    /// Version number.
    pub version: u64,
    /// The version's text hash (§3.2).
    pub text_hash: [u8; 32],
}

impl Trailer {
    /// The trailer's exact text (§7.1).
    pub fn text(&self) -> String {
        format!(
            "{}{} v{} sha256:{}\n",
            self.kind.head(),
            self.proposal,
            self.version,
            hex::encode(self.text_hash)
        )
    }

    /// Parses exactly one trailer of kind `kind` (the whole of `s`), or
    /// `None`: anything the writer would not have written byte for byte
    /// (a leading zero, uppercase hex, a missing newline, …) is refused.
    pub fn parse(kind: TrailerKind, s: &str) -> Option<Trailer> {
        let rest = s.strip_prefix(&kind.head())?.strip_suffix('\n')?;
        let (proposal, rest) = rest.split_once(" v")?;
        let (version, hash) = rest.split_once(" sha256:")?;
        if proposal.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let text_hash = <[u8; 32]>::try_from(hex::decode(hash).ok()?).ok()?;
        let t = Trailer {
            kind,
            proposal: proposal.to_string(),
            version: version.parse().ok()?,
            text_hash,
        };
        (t.text() == s).then_some(t)
    }

    /// The binding trailer a `yes_no` description ends with, if it ends
    /// with one (§7.1): the text from its last `\n\n---\n` on.
    pub fn binding_at_end(description: &str) -> Option<Trailer> {
        let at = description.rfind(&TrailerKind::Binding.head())?;
        Trailer::parse(TrailerKind::Binding, &description[at..])
    }

    /// The first option trailer of `proposal` in a description (§7.1):
    /// the line that follows `\n\n---\npsephos-initiative-option: P v`,
    /// read strictly.
    pub fn option_of(description: &str, proposal: &str) -> Option<Trailer> {
        let marker = format!("{}{proposal} v", TrailerKind::Option.head());
        let at = description.find(&marker)?;
        let tail = &description[at..];
        let end = marker.len() + tail[marker.len()..].find('\n')? + 1;
        Trailer::parse(TrailerKind::Option, &tail[..end])
    }
}

/// The binding trailer an AMV `yes_no` question description ends with
/// (§7.1).
pub fn binding_trailer(proposal: &str, version: u64, text_hash: &[u8; 32]) -> String {
    Trailer {
        kind: TrailerKind::Binding,
        proposal: proposal.to_string(),
        version,
        text_hash: *text_hash,
    }
    .text()
}

/// The option trailer of one proposal option's section of a
/// `systemic_consensus` or `ranked` question description (§7.1).
pub fn option_trailer(proposal: &str, version: u64, text_hash: &[u8; 32]) -> String {
    Trailer {
        kind: TrailerKind::Option,
        proposal: proposal.to_string(),
        version,
        text_hash: *text_hash,
    }
    .text()
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "p-0011223344556677";

    #[test]
    fn known_answer_bytes() {
        let mut h = [0u8; 32];
        h[0] = 0xab;
        h[31] = 0x01;
        let hex = format!("ab{}01", "00".repeat(30));
        assert_eq!(
            binding_trailer(P, 2, &h).as_bytes(),
            format!("\n\n---\npsephos-initiative: p-0011223344556677 v2 sha256:{hex}\n").as_bytes()
        );
        assert_eq!(
            option_trailer(P, 10, &h).as_bytes(),
            format!("\n\n---\npsephos-initiative-option: p-0011223344556677 v10 sha256:{hex}\n")
                .as_bytes()
        );
        assert!(binding_trailer(P, 1, &h).starts_with(&format!("\n\n---\n{LINE_PREFIX}")));
    }

    #[test]
    fn parse_round_trips_and_is_strict() {
        let h = [0x5a; 32];
        for kind in [TrailerKind::Binding, TrailerKind::Option] {
            let t = Trailer {
                kind,
                proposal: P.into(),
                version: 3,
                text_hash: h,
            };
            assert_eq!(Trailer::parse(kind, &t.text()), Some(t.clone()));
            let s = t.text();
            for bad in [
                s.replace(" v3 ", " v03 "),
                s.replace("5a", "5A"),
                s.trim_end().to_string(),
                format!("{s}\n"),
                s.replace(" v3 ", " v "),
                s.replace("sha256:5a", "sha256:5"),
                s.replace(" v3 ", " v+3 "),
                s.replace("\n\n---", "\n---"),
            ] {
                assert_eq!(Trailer::parse(kind, &bad), None, "{bad:?}");
            }
        }
        let b = binding_trailer(P, 3, &h);
        assert_eq!(Trailer::parse(TrailerKind::Option, &b), None);
    }

    #[test]
    fn found_in_descriptions() {
        let h = [7; 32];
        let d = format!("Body.{}", binding_trailer(P, 4, &h));
        let t = Trailer::binding_at_end(&d).unwrap();
        assert_eq!((t.proposal.as_str(), t.version, t.text_hash), (P, 4, h));
        assert_eq!(Trailer::binding_at_end(&format!("{d}more")), None);
        let other = "p-8899aabbccddeeff";
        let d = format!(
            "## A\n\nx{}\n## B\n\ny{}",
            option_trailer(P, 2, &h),
            option_trailer(other, 5, &[9; 32])
        );
        assert_eq!(Trailer::option_of(&d, P).unwrap().version, 2);
        let b = Trailer::option_of(&d, other).unwrap();
        assert_eq!((b.version, b.text_hash), (5, [9; 32]));
        assert_eq!(Trailer::option_of(&d, "p-0000000000000000"), None);
        // A prefix of another id is not that id.
        assert_eq!(Trailer::option_of(&d, "p-00112233"), None);
        // No newline after the hash: refused, never a panic.
        let cut = format!("x\n\n---\npsephos-initiative-option: {P} v1 sha256:");
        assert_eq!(Trailer::option_of(&cut, P), None);
    }
}
