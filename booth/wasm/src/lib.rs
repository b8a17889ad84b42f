//! # psephos-booth-wasm
//!
//! What the web booth's pages need from `psephos-crypto` and the pure core
//! of `psephos-board`, exported to JavaScript with wasm-bindgen (spec
//! `specs/booth.md`). The browser runs the very code the server and the
//! verifier run: there is one implementation of every proof.
//!
//! | module | holds |
//! | --- | --- |
//! | [`code`] | typed credential codes and their check symbol |
//! | [`choices`] | the pages' choices ⇄ encoded plaintexts, per question kind |
//! | [`session`] | a voter's session: key, encrypt + prove + sign, cast or audit |
//! | [`board`] | receipts and inclusion proofs against signed checkpoints |
//! | [`record`] | the whole record checked by `psephos-verifier` |
//! | [`error`] | [`BoothError`] with stable codes |
//!
//! The functions below are thin wrappers: JSON strings in and out, errors
//! as `Error` objects whose message starts with the stable code. The core
//! functions are plain Rust and are tested natively.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod board;
pub mod choices;
pub mod code;
pub mod error;
pub mod record;
pub mod session;

use std::collections::BTreeMap;
use std::sync::Arc;

use wasm_bindgen::prelude::*;

pub use error::BoothError;

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn js(e: BoothError) -> JsError {
    JsError::new(&e.to_string())
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, JsError> {
    serde_json::to_string(v).map_err(|e| JsError::new(&format!("internal: {e}")))
}

/// Normalises a typed credential code and checks its check symbol; returns
/// it grouped in fours, or an error `code.length`, `code.symbol` or
/// `code.check`.
#[wasm_bindgen(js_name = checkCode)]
pub fn check_code(typed: &str) -> Result<String, JsError> {
    code::normalise(typed).map(|c| c.to_string()).map_err(js)
}

/// Parses the exact manifest bytes; returns
/// `{"election_id": hex, "manifest": <the manifest>}`.
#[wasm_bindgen(js_name = parseManifest)]
pub fn parse_manifest(bytes: &[u8]) -> Result<String, JsError> {
    let (m, id) = session::parse_manifest(bytes).map_err(js)?;
    to_json(&serde_json::json!({"election_id": hex::encode(id), "manifest": m}))
}

/// A voter's booth session: the credential key (zeroized when the session
/// is freed) and the ballot waiting to be cast or audited.
#[wasm_bindgen]
pub struct Booth(session::Session);

#[wasm_bindgen]
impl Booth {
    /// Opens a session from the exact manifest bytes and the typed code.
    #[wasm_bindgen(constructor)]
    pub fn new(manifest: &[u8], code: &str) -> Result<Booth, JsError> {
        session::Session::new(manifest, code).map(Booth).map_err(js)
    }

    /// The election id, hex.
    #[wasm_bindgen(js_name = electionId)]
    pub fn election_id(&self) -> String {
        self.0.election_id()
    }

    /// The public credential, hex.
    pub fn credential(&self) -> String {
        self.0.credential()
    }

    /// Encrypts, proves and signs the choices (JSON object question id →
    /// choice, specs/booth.md §4); returns `{"tracking_code", "bytes"}`.
    pub fn encrypt(&mut self, choices_json: &str) -> Result<String, JsError> {
        let choices: BTreeMap<String, choices::Choice> = serde_json::from_str(choices_json)
            .map_err(|e| js(BoothError::new("choice.malformed", e.to_string())))?;
        to_json(&self.0.encrypt(&choices).map_err(js)?)
    }

    /// The pending ballot's canonical bytes.
    #[wasm_bindgen(js_name = ballotBytes)]
    pub fn ballot_bytes(&self) -> Result<Vec<u8>, JsError> {
        self.0.ballot_bytes().map_err(js)
    }

    /// Forgets the pending ballot (once it is cast).
    pub fn forget(&mut self) {
        self.0.forget()
    }

    /// Audits the pending ballot; returns `{"tracking_code", "audited",
    /// "answers": [{"question", "opened", "matches"}]}`.
    pub fn audit(&mut self) -> Result<String, JsError> {
        to_json(&self.0.audit().map_err(js)?)
    }
}

/// Checks a receipt the server answered a cast (`kind` "ballot") or an
/// audit ("audited") with, against the manifest's board key and the exact
/// payload posted; returns `{"index", "size", "root", "time", …}`.
#[wasm_bindgen(js_name = checkReceipt)]
pub fn check_receipt(
    manifest: &[u8],
    receipt_json: &str,
    kind: &str,
    payload: &[u8],
) -> Result<String, JsError> {
    let (m, _) = session::parse_manifest(manifest).map_err(js)?;
    to_json(&board::check_receipt(&m, manifest, receipt_json, kind, payload).map_err(js)?)
}

/// Checks a tracking code against the board (see [`board::check_lookup`]);
/// `receipt_json` and `consistency_json` may be empty strings.
#[wasm_bindgen(js_name = checkOnBoard)]
pub fn check_on_board(
    manifest: &[u8],
    tracking_code: &str,
    entry_json: &str,
    checkpoint_json: &str,
    inclusion_json: &str,
    receipt_json: &str,
    consistency_json: &str,
) -> Result<String, JsError> {
    let (m, _) = session::parse_manifest(manifest).map_err(js)?;
    let lookup = board::Lookup {
        tracking_code,
        entry_json,
        checkpoint_json,
        inclusion_json,
        receipt_json: non_empty(receipt_json),
        consistency_json: non_empty(consistency_json),
    };
    to_json(&board::check_lookup(&m, manifest, &lookup).map_err(js)?)
}

#[wasm_bindgen]
extern "C" {
    /// The worker's progress callback (`globalThis.psephosProgress`).
    #[wasm_bindgen(js_namespace = globalThis, js_name = psephosProgress)]
    fn progress(done: f64, total: f64);
}

/// Verifies a whole election record file (every step of verification.md)
/// with `psephos-verifier`; reports progress to `globalThis.psephosProgress`
/// and returns `{"report": {…}, "text": "…"}`.
#[wasm_bindgen(js_name = verifyRecord)]
pub fn verify_record(bytes: Vec<u8>) -> Result<String, JsError> {
    let tell =
        psephos_verifier::Progress(Arc::new(|done, total| progress(done as f64, total as f64)));
    to_json(&record::verify_record(bytes, Some(tell)).map_err(js)?)
}
