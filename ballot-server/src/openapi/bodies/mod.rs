//! JSON schemas and examples of the request bodies (specs/server-api.md
//! §4–§8, specs/initiatives.md), so that a client generator or a fuzzer
//! (schemathesis, `tests/schemathesis.sh`) builds bodies of the right
//! shape: each POST and PUT with a JSON body gets its top-level object with
//! the field names, types, required fields and `additionalProperties:
//! false` of its wire type, and an example that the server accepts where a
//! static one can exist (a round draft, a ceremony setup, a transition
//! reason, initiative inputs). Cryptographic objects (ballots, trustee
//! messages, credential lists) are described down to their hex fields; a
//! valid one cannot be written down ahead of an election.
//!
//! The schemas are deliberately plain, so that a generator can fill them
//! fast (specs/server-api.md §14, finding 7): hex strings by their length,
//! not by a regular expression, and no `maxItems` on arrays whose real
//! limits are large (a fuzzer's boundary cases would build arrays of
//! thousands of nested objects); those limits are in the prose of
//! server-api.md and are enforced by the server.

use serde_json::{json, Value};
use utoipa::openapi::schema::Schema;

use psephos_crypto::record::manifest::{RevotePolicy, Schedule};
use psephos_trustee::wire::{CredentialMode, RoundDraft};

/// A request body: schema, example (if a static valid one exists), and
/// whether the body may be left out.
pub struct Body {
    /// The JSON schema of the body.
    pub schema: Schema,
    /// An example the server accepts in some state.
    pub example: Option<Value>,
    /// The body is required (transitions take none, `{}` or a reason).
    pub required: bool,
}

/// 32 bytes in lower-case hex (encoding.md §1): 64 characters.
fn hex32() -> Value {
    json!({"type": "string", "minLength": 64, "maxLength": 64})
}

/// Bytes in lower-case hex.
fn hex() -> Value {
    json!({"type": "string"})
}

fn uint() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn string(max: u64) -> Value {
    json!({"type": "string", "maxLength": max})
}

/// An object with exactly these properties, `required` of them required.
fn object(props: &[(&str, Value)], required: &[&str]) -> Value {
    let map: serde_json::Map<String, Value> = props
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    json!({
        "type": "object",
        "properties": map,
        "required": required,
        "additionalProperties": false,
    })
}

/// An array; `maxItems` only for small limits (see the module notes).
fn array(items: Value, max: u64) -> Value {
    if max <= 64 {
        json!({"type": "array", "items": items, "maxItems": max})
    } else {
        json!({"type": "array", "items": items})
    }
}

/// `{"en": "…", …}`: language tag to text.
fn text() -> Value {
    json!({
        "type": "object",
        "additionalProperties": string(4096),
        "minProperties": 1,
    })
}

fn schnorr() -> Value {
    object(&[("a", hex32()), ("z", hex32())], &["a", "z"])
}

fn dleq() -> Value {
    object(
        &[("u", hex32()), ("v", hex32()), ("z", hex32())],
        &["u", "v", "z"],
    )
}

/// A ballot (protocol.md §9): a body signed by its credential.
fn ballot() -> Value {
    let ciphertext = object(&[("r", hex32()), ("c", hex32())], &["r", "c"]);
    let link = object(
        &[
            ("a_r", hex32()),
            ("a_c", hex32()),
            ("a_v", hex32()),
            ("z_m", hex32()),
            ("z_r", hex32()),
            ("z_s", hex32()),
        ],
        &["a_r", "a_c", "a_v", "z_m", "z_r", "z_s"],
    );
    let linear = object(
        &[
            ("ciphertexts", array(ciphertext, 4096)),
            ("commitments", array(hex32(), 4096)),
            ("link", link),
            ("range", hex()),
        ],
        &["ciphertexts", "commitments", "link", "range"],
    );
    let answer = object(
        &[
            ("question", string(64)),
            ("proof", json!({"type": "object", "maxProperties": 1})),
        ],
        &["question", "proof"],
    );
    let mut answer = answer;
    answer["properties"]["proof"]["properties"] =
        json!({"linear": linear, "ranked": {"type": "object"}});
    let body = object(
        &[
            ("spec_version", json!({"type": "integer", "const": 1})),
            ("election_id", hex32()),
            ("credential", hex32()),
            ("answers", array(answer, 64)),
        ],
        &["spec_version", "election_id", "credential", "answers"],
    );
    object(
        &[("body", body), ("signature", schnorr())],
        &["body", "signature"],
    )
}

fn audited() -> Value {
    let opening = json!({"type": "object"});
    object(
        &[
            ("spec_version", json!({"type": "integer", "const": 1})),
            ("ballot", ballot()),
            ("openings", array(opening, 64)),
        ],
        &["spec_version", "ballot", "openings"],
    )
}

/// A draft (server-api.md §4): questions as in the manifest (record.md §2).
fn draft() -> Value {
    object(
        &[
            (
                "election",
                json!({"type": "string", "minLength": 1, "maxLength": 64}),
            ),
            ("title", text()),
            ("questions", array(json!({"type": "object"}), 64)),
            (
                "schedule",
                object(
                    &[("opens_at", uint()), ("closes_at", uint())],
                    &["opens_at", "closes_at"],
                ),
            ),
            (
                "revote",
                json!({"type": "string", "enum": ["last_counts", "once"]}),
            ),
            (
                "credential_mode",
                json!({"type": "string", "enum": ["server", "external"]}),
            ),
        ],
        &["election", "title", "questions", "schedule"],
    )
}

/// A valid draft: one yes/no question, open in 2033 for a day.
fn draft_example() -> Option<Value> {
    use crate::demo::script::ScriptQuestion;
    let q = ScriptQuestion::new("q1", "yes_no", &["yes", "no", "abstain"]);
    let draft = RoundDraft {
        election: "openapi-example".into(),
        title: crate::service::rounds::text("Example round"),
        questions: vec![q.question().ok()?],
        schedule: Schedule {
            opens_at: 2_000_000_000,
            closes_at: 2_000_086_400,
        },
        revote: RevotePolicy::LastCounts,
        credential_mode: CredentialMode::Server,
    };
    serde_json::to_value(draft).ok()
}

fn credential_list() -> Value {
    let entry = object(
        &[("credential", hex32()), ("weight", uint())],
        &["credential", "weight"],
    );
    object(
        &[
            ("spec_version", json!({"type": "integer", "const": 1})),
            ("election_id", hex32()),
            ("credentials", array(entry, 100_000)),
        ],
        &["spec_version", "election_id", "credentials"],
    )
}

fn trustee_message(fields: &[(&str, Value)]) -> Value {
    let mut props = vec![
        ("spec_version", json!({"type": "integer", "const": 1})),
        ("ceremony_id", hex32()),
    ];
    props.extend(fields.iter().cloned());
    let names: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
    object(&props, &names)
}

fn dealing() -> Value {
    let commitments = trustee_message(&[
        ("dealer", uint()),
        ("commitments", array(hex32(), 64)),
        ("proofs", array(schnorr(), 64)),
    ]);
    let share = trustee_message(&[
        ("dealer", uint()),
        ("recipient", uint()),
        ("ephemeral", hex32()),
        ("ciphertext", hex()),
    ]);
    object(
        &[("commitments", commitments), ("shares", array(share, 64))],
        &["commitments", "shares"],
    )
}

fn complaints() -> Value {
    let complaint = trustee_message(&[
        ("complainer", uint()),
        ("dealer", uint()),
        ("shared_secret", hex32()),
        ("proof", dleq()),
    ]);
    object(&[("complaints", array(complaint, 64))], &["complaints"])
}

fn decryption() -> Value {
    let partial = object(
        &[("share", hex32()), ("proof", dleq())],
        &["share", "proof"],
    );
    object(
        &[
            ("spec_version", json!({"type": "integer", "const": 1})),
            ("election_id", hex32()),
            ("trustee", uint()),
            ("values", array(partial, 4096)),
        ],
        &["spec_version", "election_id", "trustee", "values"],
    )
}

fn reason() -> Value {
    object(&[("reason", string(2000))], &["reason"])
}

fn settings() -> Value {
    let threshold = json!({"oneOf": [
        object(&[("absolute", json!({"type": "integer", "minimum": 1}))], &["absolute"]),
        object(&[("share_bp", json!({"type": "integer", "minimum": 1, "maximum": 10000}))], &["share_bp"]),
    ]});
    let area = object(
        &[
            (
                "id",
                json!({"type": "string", "minLength": 1, "maxLength": 64}),
            ),
            ("title", string(200)),
            ("threshold", threshold),
        ],
        &["id", "title", "threshold"],
    );
    object(
        &[
            ("areas", array(area, 100)),
            ("officer_days", uint()),
            ("max_body", uint()),
        ],
        &["areas"],
    )
}

fn proposal() -> Value {
    object(
        &[
            ("title", string(200)),
            ("summary", string(1000)),
            ("body", string(100_000)),
            ("area", string(64)),
            ("language", string(35)),
            (
                "decision",
                json!({"type": "string", "enum": ["yes_no", "systemic_consensus", "ranked"]}),
            ),
            ("alternative_to", string(64)),
        ],
        &["title", "summary", "body", "area", "language"],
    )
}

fn amendment() -> Value {
    object(
        &[
            ("version", uint()),
            ("body", string(100_000)),
            ("title", string(200)),
            ("summary", string(1000)),
            ("rationale", string(2000)),
        ],
        &["version", "body", "rationale"],
    )
}

fn body(schema: Value, example: Option<Value>, required: bool) -> Option<Body> {
    let schema: Schema = serde_json::from_value(schema).ok()?;
    Some(Body {
        schema,
        example,
        required,
    })
}

/// The JSON body of `method path`, if it takes one.
pub fn request(method: &str, path: &str) -> Option<Body> {
    let last = path.rsplit('/').next().unwrap_or("");
    let officer_round = path.starts_with("/api/v1/officer/rounds/{id}/");
    match (method, path) {
        ("post", "/api/v1/rounds/{id}/ballots") => body(ballot(), None, true),
        ("post", "/api/v1/rounds/{id}/audits") => body(audited(), None, true),
        ("post", "/api/v1/officer/rounds") | ("put", "/api/v1/officer/rounds/{id}") => {
            body(draft(), draft_example(), true)
        }
        ("post", "/api/v1/officer/rounds/{id}/ceremony") => body(
            object(
                &[
                    (
                        "trustees",
                        json!({"type": "integer", "minimum": 1, "maximum": 64}),
                    ),
                    (
                        "threshold",
                        json!({"type": "integer", "minimum": 1, "maximum": 64}),
                    ),
                ],
                &["trustees", "threshold"],
            ),
            Some(json!({"trustees": 3, "threshold": 2})),
            true,
        ),
        ("put", "/api/v1/officer/rounds/{id}/credentials") => body(credential_list(), None, true),
        ("post", _)
            if officer_round && ["open", "close", "tally", "publish", "cancel"].contains(&last) =>
        {
            body(
                object(&[("reason", string(2000))], &[]),
                Some(json!({"reason": "scheduled"})),
                false,
            )
        }
        ("post", "/api/v1/trustee/ceremony/announcement") => body(
            trustee_message(&[
                ("trustee", uint()),
                ("encryption_key", hex32()),
                ("proof", schnorr()),
            ]),
            None,
            true,
        ),
        ("post", "/api/v1/trustee/ceremony/dealing") => body(dealing(), None, true),
        ("post", "/api/v1/trustee/ceremony/complaints") => {
            body(complaints(), Some(json!({"complaints": []})), true)
        }
        ("post", "/api/v1/trustee/decryption") => body(decryption(), None, true),
        ("post", "/api/v1/members/login") => body(
            object(&[("email", string(320))], &["email"]),
            Some(json!({"email": "member@example.org"})),
            true,
        ),
        ("post", "/api/v1/members/session") => body(
            object(
                &[
                    ("token", string(200)),
                    ("email", string(320)),
                    ("code", string(32)),
                ],
                &[],
            ),
            None,
            true,
        ),
        ("post", "/api/v1/initiatives/proposals")
        | ("put", "/api/v1/initiatives/proposals/{id}") => body(
            proposal(),
            Some(json!({
                "title": "Example", "summary": "An example proposal.",
                "body": "The text.", "area": "general", "language": "en",
            })),
            true,
        ),
        ("post", "/api/v1/initiatives/proposals/{id}/amendments") => body(
            amendment(),
            Some(json!({"version": 1, "body": "A better text.", "rationale": "Clearer."})),
            true,
        ),
        ("post", "/api/v1/initiatives/proposals/{id}/comments") => body(
            object(&[("body", string(10_000))], &["body"]),
            Some(json!({"body": "A comment."})),
            true,
        ),
        ("post", "/api/v1/initiatives/proposals/{id}/support") => body(
            object(&[("version", uint())], &["version"]),
            Some(json!({"version": 1})),
            true,
        ),
        ("put", "/api/v1/officer/initiatives/settings") => body(
            settings(),
            Some(json!({"areas": [
                {"id": "general", "title": "General", "threshold": {"absolute": 3}},
            ]})),
            true,
        ),
        ("post", "/api/v1/officer/initiatives/proposals/{id}/schedule") => {
            body(object(&[], &[]), Some(json!({})), true)
        }
        ("post", p)
            if p.ends_with("/reject") || p.ends_with("/decline") || p.ends_with("/hide") =>
        {
            body(reason(), Some(json!({"reason": "Out of scope."})), true)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
