//! The initiative routes as listed in `/openapi.json` (method, path, tag,
//! summary, request content type or ""); the handlers are in
//! `api/initiatives.rs`, the bodies in specs/initiatives.md.

/// Tag `member`: the session cookie, and `X-CSRF-Token` on POST and PUT.
#[rustfmt::skip]
pub const ROUTES: &[(&str, &str, &str, &str, &str)] = &[
    ("post", "/api/v1/members/login", "member", "Mail a sign-in link and code", "application/json"),
    ("post", "/api/v1/members/session", "member", "Exchange a link token or code for a session", "application/json"),
    ("get", "/api/v1/members/me", "member", "The session's member and CSRF token", ""),
    ("post", "/api/v1/members/logout", "member", "Revoke the session", ""),
    ("get", "/api/v1/initiatives/settings", "public", "Areas, thresholds, limits", ""),
    ("get", "/api/v1/initiatives/roll", "public", "The public roll of member ids", ""),
    ("get", "/api/v1/initiatives/proposals", "public", "Published proposals", ""),
    ("post", "/api/v1/initiatives/proposals", "member", "Draft a proposal", "application/json"),
    ("get", "/api/v1/initiatives/proposals/{id}", "public", "A proposal's page", ""),
    ("put", "/api/v1/initiatives/proposals/{id}", "member", "Replace a draft", "application/json"),
    ("post", "/api/v1/initiatives/proposals/{id}/publish", "member", "Publish: version 1 and the support log", ""),
    ("get", "/api/v1/initiatives/proposals/{id}/versions/{n}", "public", "A version and its text hash", ""),
    ("get", "/api/v1/initiatives/proposals/{id}/diff", "public", "Line differences between versions", ""),
    ("get", "/api/v1/initiatives/proposals/{id}/amendments", "public", "Amendments", ""),
    ("post", "/api/v1/initiatives/proposals/{id}/amendments", "member", "Propose an amendment", "application/json"),
    ("post", "/api/v1/initiatives/proposals/{id}/amendments/{aid}/accept", "member", "Accept (author): a new version", ""),
    ("post", "/api/v1/initiatives/proposals/{id}/amendments/{aid}/reject", "member", "Reject (author) with a reason", "application/json"),
    ("get", "/api/v1/initiatives/proposals/{id}/comments", "public", "Comments and moderation", ""),
    ("post", "/api/v1/initiatives/proposals/{id}/comments", "member", "Comment", "application/json"),
    ("post", "/api/v1/initiatives/proposals/{id}/support", "member", "Support the current version", "application/json"),
    ("post", "/api/v1/initiatives/proposals/{id}/withdraw", "member", "Withdraw a support", ""),
    ("get", "/api/v1/initiatives/proposals/{id}/log/entries", "public", "Support log entries", ""),
    ("get", "/api/v1/initiatives/proposals/{id}/log/checkpoint", "public", "Latest signed checkpoint of the log", ""),
    ("get", "/api/v1/initiatives/proposals/{id}/log/checkpoints", "public", "Signed checkpoints of the log", ""),
    ("get", "/api/v1/initiatives/proposals/{id}/log/record", "public", "The support log's record file", ""),
    ("put", "/api/v1/officer/initiatives/settings", "officer", "Replace the settings", "application/json"),
    ("post", "/api/v1/officer/initiatives/roll", "officer", "Import the member roll", "text/csv"),
    ("post", "/api/v1/officer/initiatives/proposals/{id}/schedule", "officer", "Schedule the AMV", "application/json"),
    ("post", "/api/v1/officer/initiatives/proposals/{id}/decline", "officer", "Decline with a public reason", "application/json"),
    ("post", "/api/v1/officer/initiatives/proposals/{id}/comments/{cid}/hide", "officer", "Hide a comment with a reason", "application/json"),
];
