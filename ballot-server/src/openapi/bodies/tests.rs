//! The bodies' examples, a real ballot and a full proposal against their
//! schemas, with a small checker for the JSON Schema subset the bodies use.

use super::*;

#[test]
fn the_draft_example_is_a_valid_draft() {
    let v = draft_example().expect("example");
    let back: RoundDraft = serde_json::from_value(v).expect("a RoundDraft");
    assert_eq!(back.questions.len(), 1);
}

fn example(m: &str, path: &str) -> Value {
    request(m, path)
        .and_then(|b| b.example)
        .unwrap_or_else(|| panic!("no example for {m} {path}"))
}

#[test]
fn the_static_examples_are_accepted_by_the_wire_types() {
    use crate::initiatives::auth::LoginRequest;
    use crate::initiatives::model::{AmendmentInput, ProposalInput, Settings};
    use psephos_trustee::wire::{CeremonySetup, ComplaintList, TransitionRequest};
    let setup: CeremonySetup =
        serde_json::from_value(example("post", "/api/v1/officer/rounds/{id}/ceremony")).unwrap();
    assert!(setup.threshold <= setup.trustees);
    for t in ["open", "close", "tally", "publish", "cancel"] {
        let path = format!("/api/v1/officer/rounds/{{id}}/{t}");
        let _: TransitionRequest = serde_json::from_value(example("post", &path)).unwrap();
        assert!(!request("post", &path).unwrap().required);
    }
    let _: ComplaintList =
        serde_json::from_value(example("post", "/api/v1/trustee/ceremony/complaints")).unwrap();
    let _: LoginRequest = serde_json::from_value(example("post", "/api/v1/members/login")).unwrap();
    let _: ProposalInput =
        serde_json::from_value(example("post", "/api/v1/initiatives/proposals")).unwrap();
    let _: AmendmentInput = serde_json::from_value(example(
        "post",
        "/api/v1/initiatives/proposals/{id}/amendments",
    ))
    .unwrap();
    let settings: Settings =
        serde_json::from_value(example("put", "/api/v1/officer/initiatives/settings")).unwrap();
    settings.check().unwrap();
}

/// Whether `v` satisfies `schema`, for the subset of JSON Schema the
/// bodies use (type, properties, required, additionalProperties,
/// items, min/maxLength, maxItems, minimum, maximum, const, enum,
/// oneOf).
fn conforms(schema: &Value, v: &Value) -> Result<(), String> {
    let fail = |what: &str| Err(format!("{what}: {v} against {schema}"));
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let n = options.iter().filter(|o| conforms(o, v).is_ok()).count();
        return if n == 1 { Ok(()) } else { fail("oneOf") };
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            return fail("const");
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            return fail("enum");
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let Some(o) = v.as_object() else {
                return fail("not an object");
            };
            let props = schema.get("properties").and_then(Value::as_object);
            for r in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !o.contains_key(r.as_str().unwrap_or("")) {
                    return fail("a required property is missing");
                }
            }
            for (k, x) in o {
                match (
                    props.and_then(|p| p.get(k)),
                    schema.get("additionalProperties"),
                ) {
                    (Some(s), _) => conforms(s, x)?,
                    (None, Some(Value::Bool(false))) => return fail("unknown property"),
                    (None, Some(s @ Value::Object(_))) => conforms(s, x)?,
                    (None, _) => {}
                }
            }
        }
        Some("array") => {
            let Some(a) = v.as_array() else {
                return fail("not an array");
            };
            if let Some(m) = schema.get("maxItems").and_then(Value::as_u64) {
                if a.len() as u64 > m {
                    return fail("too many items");
                }
            }
            if let Some(items) = schema.get("items") {
                a.iter().try_for_each(|x| conforms(items, x))?;
            }
        }
        Some("string") => {
            let Some(t) = v.as_str() else {
                return fail("not a string");
            };
            let n = t.chars().count() as u64;
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            let max = schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            if n < min || n > max {
                return fail("length");
            }
        }
        Some("integer") => {
            let Some(i) = v.as_i64() else {
                return fail("not an integer");
            };
            if schema
                .get("minimum")
                .and_then(Value::as_i64)
                .is_some_and(|m| i < m)
                || schema
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .is_some_and(|m| i > m)
            {
                return fail("out of range");
            }
        }
        _ => {}
    }
    Ok(())
}

fn schema_of(m: &str, path: &str) -> Value {
    serde_json::to_value(request(m, path).expect("a body").schema).expect("schema JSON")
}

#[test]
fn the_examples_conform_to_their_schemas() {
    for (m, path, _, _, ty) in super::super::ROUTES
        .iter()
        .chain(crate::initiatives::routes::ROUTES)
    {
        if *ty != "application/json" {
            continue;
        }
        if let Some(ex) = request(m, path).and_then(|b| b.example) {
            conforms(&schema_of(m, path), &ex).unwrap_or_else(|e| panic!("{m} {path}: {e}"));
        }
    }
}

#[test]
fn a_real_ballot_conforms_and_broken_ones_do_not() {
    use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
    use curve25519_dalek::scalar::Scalar;
    use psephos_crypto::ballot::{Ballot, BallotStatement, PlainAnswer};
    use psephos_crypto::credential::CredentialCode;
    use rand_core::OsRng;
    let q = crate::demo::script::ScriptQuestion {
        max: Some(10),
        ..crate::demo::script::ScriptQuestion::new("q", "systemic_consensus", &["a", "b"])
    }
    .question()
    .unwrap();
    let stmt = BallotStatement {
        election_id: [4; 32],
        election_key: (RISTRETTO_BASEPOINT_POINT * Scalar::from(99u64)).into(),
        questions: vec![(q.id.clone(), q.shape().unwrap())],
    };
    let key = CredentialCode::generate(&mut OsRng).signing_key(&stmt.election_id);
    let (b, _) = Ballot::cast(&stmt, &key, &[PlainAnswer::Linear(vec![3, 7])], &mut OsRng).unwrap();
    let ballot: Value = serde_json::from_slice(&b.to_bytes()).unwrap();
    let schema = schema_of("post", "/api/v1/rounds/{id}/ballots");
    conforms(&schema, &ballot).unwrap();
    let mut extra = ballot.clone();
    extra["body"]["extra"] = json!(1);
    assert!(conforms(&schema, &extra).is_err());
    let mut short = ballot.clone();
    short["body"]["credential"] = json!("00");
    assert!(conforms(&schema, &short).is_err());
    let mut missing = ballot;
    missing["body"]["answers"][0]["proof"]["linear"]
        .as_object_mut()
        .unwrap()
        .remove("link");
    assert!(conforms(&schema, &missing).is_err());
}

#[test]
fn every_field_of_a_full_proposal_is_in_its_schema() {
    use crate::initiatives::model::{Decision, ProposalInput};
    let input = ProposalInput {
        title: "T".into(),
        summary: "S".into(),
        body: "B".into(),
        area: "general".into(),
        language: "en".into(),
        decision: Decision::Ranked,
        alternative_to: Some("p-1".into()),
    };
    let v = serde_json::to_value(input).unwrap();
    for (m, path) in [
        ("post", "/api/v1/initiatives/proposals"),
        ("put", "/api/v1/initiatives/proposals/{id}"),
    ] {
        conforms(&schema_of(m, path), &v).unwrap_or_else(|e| panic!("{m} {path}: {e}"));
    }
}

#[test]
fn every_json_body_route_has_a_schema() {
    for (m, path, _, _, ty) in super::super::ROUTES
        .iter()
        .chain(crate::initiatives::routes::ROUTES)
    {
        if *ty == "application/json" {
            assert!(request(m, path).is_some(), "no schema for {m} {path}");
        }
    }
}
