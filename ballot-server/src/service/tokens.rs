//! Bearer tokens (specs/server-api.md §2): 32 random bytes, hex, with a
//! prefix naming the kind (`pso_` officer, `pst_` trustee). Only the
//! SHA-256 of a token is stored; a token of one kind never authenticates as
//! the other, and a trustee token only for its own round and index.

use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::error::{ErrorClass, Result, ServerError};
use crate::store::{TokenKind, TokenRecord};

/// SHA-256 of a token's text.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn prefix(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Officer => "pso_",
        TokenKind::Trustee => "pst_",
    }
}

impl App {
    /// Creates and stores a token; the text is returned once and never
    /// stored.
    pub async fn create_token(
        &self,
        kind: TokenKind,
        round: Option<&str>,
        trustee: Option<u32>,
    ) -> Result<String> {
        let mut raw = [0u8; 32];
        OsRng.fill_bytes(&mut raw);
        let token = format!("{}{}", prefix(kind), hex::encode(raw));
        let record = TokenRecord {
            kind,
            round: round.map(str::to_string),
            trustee,
        };
        self.store
            .insert_token(token_hash(&token), &record, crate::now())
            .await?;
        Ok(token)
    }

    /// Resolves a bearer token of the expected kind.
    pub async fn authenticate(&self, token: Option<&str>, kind: TokenKind) -> Result<TokenRecord> {
        let unauthorized = || {
            ServerError::new(
                ErrorClass::Unauthorized,
                "auth.required",
                "a valid bearer token is required",
            )
        };
        let token = token.ok_or_else(unauthorized)?;
        if token.len() > 200 {
            return Err(unauthorized());
        }
        let record = self
            .store
            .token(token_hash(token))
            .await?
            .ok_or_else(unauthorized)?;
        if record.kind != kind {
            return Err(ServerError::new(
                ErrorClass::Forbidden,
                "auth.wrong_kind",
                format!("this route needs a {} token", kind.as_str()),
            ));
        }
        Ok(record)
    }
}
