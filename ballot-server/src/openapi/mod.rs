//! The OpenAPI 3.1 document served at `/openapi.json`, built with utoipa
//! from the route table below; the JSON request bodies' schemas and
//! examples are in [`bodies`] (the prose is specs/server-api.md, which the
//! document links).

pub mod bodies;

use axum::Json;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, Parameter, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Required,
};

/// (method, path, tag, summary, request content type or "").
const ROUTES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "get",
        "/healthz",
        "public",
        "Liveness and the board key",
        "",
    ),
    ("get", "/metrics", "public", "Prometheus metrics", ""),
    ("get", "/openapi.json", "public", "This document", ""),
    ("get", "/api/v1/rounds", "public", "Every round", ""),
    ("get", "/api/v1/rounds/{id}", "public", "Round status", ""),
    (
        "get",
        "/api/v1/rounds/{id}/manifest",
        "public",
        "Manifest (exact bytes)",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/credentials",
        "public",
        "Public credential list (exact bytes)",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/tally",
        "public",
        "Encrypted tally (exact bytes)",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/result",
        "public",
        "Result (exact bytes)",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/turnout",
        "public",
        "Turnout",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/board/entries",
        "public",
        "Board entries, paged (?from&limit)",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/board/checkpoint",
        "public",
        "Latest signed checkpoint",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/board/checkpoints",
        "public",
        "Signed checkpoints, paged (?from&limit)",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/board/inclusion",
        "public",
        "Inclusion proof (?index&size)",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/board/consistency",
        "public",
        "Consistency proof (?old&new)",
        "",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/board/record",
        "public",
        "The election record file (JSON Lines)",
        "",
    ),
    (
        "post",
        "/api/v1/rounds/{id}/ballots",
        "voter",
        "Cast a ballot (canonical bytes); returns the receipt",
        "application/json",
    ),
    (
        "get",
        "/api/v1/rounds/{id}/ballots/{tracking}",
        "voter",
        "Receipt of a ballot by tracking code",
        "",
    ),
    (
        "post",
        "/api/v1/rounds/{id}/audits",
        "voter",
        "Post an audited (spoiled) ballot",
        "application/json",
    ),
    (
        "post",
        "/api/v1/officer/rounds",
        "officer",
        "Create a round from a draft",
        "application/json",
    ),
    (
        "get",
        "/api/v1/officer/rounds/{id}",
        "officer",
        "Round status",
        "",
    ),
    (
        "put",
        "/api/v1/officer/rounds/{id}",
        "officer",
        "Replace the draft",
        "application/json",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/ceremony",
        "officer",
        "Start or restart the key ceremony; returns trustee tokens",
        "application/json",
    ),
    (
        "get",
        "/api/v1/officer/rounds/{id}/ceremony",
        "officer",
        "The ceremony's messages and phase",
        "",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/ceremony/finish",
        "officer",
        "Derive the ceremony outcome now",
        "",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/freeze",
        "officer",
        "Put the manifest on the board",
        "",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/roll",
        "officer",
        "Import the roll (CSV)",
        "text/csv",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/credentials/generate",
        "officer",
        "Server mode: issue credentials (once)",
        "",
    ),
    (
        "put",
        "/api/v1/officer/rounds/{id}/credentials",
        "officer",
        "External mode: upload the public credential list",
        "application/json",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/open",
        "officer",
        "Post the credential list and open",
        "application/json",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/close",
        "officer",
        "Close",
        "application/json",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/tally",
        "officer",
        "Post the encrypted tally",
        "application/json",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/publish",
        "officer",
        "Combine the shares and post the result",
        "application/json",
    ),
    (
        "post",
        "/api/v1/officer/rounds/{id}/cancel",
        "officer",
        "Cancel a round that never opened",
        "application/json",
    ),
    (
        "get",
        "/api/v1/trustee/ceremony",
        "trustee",
        "The ceremony as this trustee sees it",
        "",
    ),
    (
        "post",
        "/api/v1/trustee/ceremony/announcement",
        "trustee",
        "Phase 1: announcement",
        "application/json",
    ),
    (
        "post",
        "/api/v1/trustee/ceremony/dealing",
        "trustee",
        "Phase 2: commitments and shares",
        "application/json",
    ),
    (
        "post",
        "/api/v1/trustee/ceremony/complaints",
        "trustee",
        "Phase 3: complaints (maybe none)",
        "application/json",
    ),
    (
        "get",
        "/api/v1/trustee/tally",
        "trustee",
        "The encrypted tally to decrypt",
        "",
    ),
    (
        "post",
        "/api/v1/trustee/decryption",
        "trustee",
        "Post a decryption share",
        "application/json",
    ),
];

fn method(m: &str) -> HttpMethod {
    match m {
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        _ => HttpMethod::Get,
    }
}

fn string(pattern: &str) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .into()
}

fn integer(min: f64, max: Option<f64>) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min))
        .maximum(max)
        .into()
}

/// The parameters of a route: its path segments `{…}` and its query.
fn parameters(path: &str) -> Vec<Parameter> {
    let mut out = Vec::new();
    for seg in path.split('/') {
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let schema = match name {
                "tracking" => string("^[0-9a-f]{64}$"),
                _ => string("^[A-Za-z0-9._-]{1,64}$"),
            };
            out.push(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(schema))
                    .build(),
            );
        }
    }
    let query: &[(&str, bool)] = match path.rsplit('/').next() {
        Some("entries") | Some("checkpoints") => &[("from", false), ("limit", false)],
        Some("inclusion") => &[("index", true), ("size", true)],
        Some("consistency") => &[("old", true), ("new", true)],
        _ => &[],
    };
    for (name, required) in query {
        let schema = if *name == "limit" {
            integer(0.0, Some(u32::MAX as f64))
        } else {
            integer(0.0, None)
        };
        out.push(
            ParameterBuilder::new()
                .name(*name)
                .parameter_in(ParameterIn::Query)
                .required(if *required {
                    Required::True
                } else {
                    Required::False
                })
                .schema(Some(schema))
                .build(),
        );
    }
    out
}

/// `{"error": {"code", "message"[, "lines"]}}` (specs/server-api.md §3).
fn error_schema() -> Schema {
    let detail = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("code", string("^[a-z0-9_]+(\\.[a-z0-9_]+)*$"))
        .property("message", ObjectBuilder::new().schema_type(Type::String))
        .property(
            "lines",
            utoipa::openapi::schema::ArrayBuilder::new()
                .items(ObjectBuilder::new().schema_type(Type::Object)),
        )
        .required("code")
        .required("message");
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("error", detail)
        .required("error")
        .into()
}

/// The content type of a route's success answer.
fn success_type(path: &str) -> &'static str {
    match path {
        "/metrics" => "text/plain",
        p if p.ends_with("/board/record") => "application/jsonl",
        _ => "application/json",
    }
}

/// The status of a route's success answer: 202 for a sign-in request
/// (mailed later), 201 for what a member creates, 200 otherwise.
fn success_status(method: &str, path: &str) -> &'static str {
    match (method, path) {
        ("post", "/api/v1/members/login") => "202",
        ("post", "/api/v1/initiatives/proposals") => "201",
        ("post", p) if p.ends_with("/amendments") || p.ends_with("/comments") => "201",
        _ => "200",
    }
}

/// Builds the document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for (m, path, tag, summary, body) in ROUTES.iter().chain(crate::initiatives::routes::ROUTES) {
        let mut op = OperationBuilder::new()
            .summary(Some(*summary))
            .tag(*tag)
            .parameters(Some(parameters(path)))
            .response(
                success_status(m, path),
                ResponseBuilder::new()
                    .description("success")
                    .content(success_type(path), ContentBuilder::new().build()),
            )
            .response(
                "4XX",
                ResponseBuilder::new()
                    .description("{\"error\": {\"code\", \"message\"}} with a stable code")
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(error_schema())).build(),
                    ),
            );
        if !body.is_empty() {
            let mut content = ContentBuilder::new();
            let mut required = true;
            if let Some(b) = bodies::request(m, path) {
                content = content.schema(Some(b.schema)).example(b.example);
                required = b.required;
            } else if *body == "text/csv" {
                content = content.schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .max_length(Some(8 * 1024 * 1024)),
                ));
            }
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .content(*body, content.build())
                    .required(Some(if required {
                        Required::True
                    } else {
                        Required::False
                    }))
                    .build(),
            ));
        }
        if *tag == "officer" || *tag == "trustee" {
            op = op.security(utoipa::openapi::security::SecurityRequirement::new(
                "bearer",
                Vec::<String>::new(),
            ));
        }
        paths = paths.path(*path, PathItem::new(method(m), op.build()));
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Psephos ballot server")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "End-to-end verifiable voting. Request and response bodies, error codes \
                     and limits: specs/server-api.md.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme(
                    "bearer",
                    SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
                )
                .build(),
        ))
        .build()
}

/// `GET /openapi.json`.
pub async fn serve() -> Json<OpenApi> {
    Json(document())
}
