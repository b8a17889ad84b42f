//! Issuing voter credentials for one election (protocol.md §9,
//! specs/server-api.md §6): one fresh code per roll member, its public
//! credential for the election id, the public list, and the private CSV for
//! mail merge. The server's `server` mode and the independent credential
//! authority (`psephos-trustee credentials`) both run this function; the
//! private codes leave it only in the returned CSV.

use psephos_crypto::credential::CredentialCode;
use psephos_crypto::record::{CredentialEntry, CredentialList};
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::roll::Member;

/// Header of the private CSV.
pub const PRIVATE_CSV_HEADER: &str = "member_id,email,weight,credential,booth_link";

/// The booth link of a member: the credential travels in the URL fragment,
/// which browsers never send to a server.
pub fn booth_link(booth_base: &str, round: &str, code: &str) -> String {
    format!(
        "{}/booth/{round}#c={code}",
        booth_base.trim_end_matches('/')
    )
}

/// One member's private credential (zeroized on drop).
pub struct IssuedCredential {
    /// The member.
    pub member: Member,
    /// The grouped code `XXXX-XXXX-…`.
    pub code: Zeroizing<String>,
}

impl core::fmt::Debug for IssuedCredential {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "IssuedCredential({}, <secret>)", self.member.member_id)
    }
}

/// Generates one code per member and the public list (sorted by encoding).
pub fn issue<R: RngCore + CryptoRng>(
    election_id: &[u8; 32],
    members: &[Member],
    rng: &mut R,
) -> (Vec<IssuedCredential>, CredentialList) {
    let mut issued = Vec::with_capacity(members.len());
    let mut entries = Vec::with_capacity(members.len());
    for m in members {
        let code = CredentialCode::generate(rng);
        entries.push(CredentialEntry {
            credential: code.signing_key(election_id).public(),
            weight: m.weight,
        });
        issued.push(IssuedCredential {
            member: m.clone(),
            code: code.grouped(),
        });
    }
    (issued, CredentialList::new(*election_id, entries))
}

/// The private CSV: `member_id,email,weight,credential,booth_link`.
pub fn private_csv(issued: &[IssuedCredential], booth_base: &str, round: &str) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(PRIVATE_CSV_HEADER.split(','));
    for c in issued {
        let link = booth_link(booth_base, round, &c.code);
        let weight = c.member.weight.to_string();
        let _ = w.write_record([
            c.member.member_id.as_str(),
            c.member.email.as_str(),
            weight.as_str(),
            c.code.as_str(),
            link.as_str(),
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn issue_matches_codes_and_list() {
        let members: Vec<Member> = (0..5)
            .map(|i| Member {
                member_id: format!("m{i}"),
                email: format!("m{i}@example.org"),
                weight: i + 1,
            })
            .collect();
        let id = [3u8; 32];
        let (issued, list) = issue(&id, &members, &mut OsRng);
        list.validate(&id).unwrap();
        assert_eq!(list.total_weight(), 15);
        for c in &issued {
            let code = CredentialCode::parse(&c.code).unwrap();
            let x = code.signing_key(&id).public();
            assert!(list.credentials.iter().any(|e| e.credential == x));
        }
        let csv = private_csv(&issued, "https://vote.example/", "amv-1");
        assert!(csv.starts_with(PRIVATE_CSV_HEADER));
        assert_eq!(csv.lines().count(), 6);
        assert!(csv.contains("https://vote.example/booth/amv-1#c="));
    }
}
