-- Member initiatives (specs/initiatives.md §2, §3), version 2.
CREATE TABLE ini_members (
    member_id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_lc TEXT NOT NULL,
    line INTEGER NOT NULL
);
CREATE INDEX ini_members_email ON ini_members (email_lc);
CREATE TABLE ini_logins (
    token_hash BLOB PRIMARY KEY,
    code_hash BLOB NOT NULL,
    email_lc TEXT NOT NULL,
    member_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ini_logins_email ON ini_logins (email_lc);
CREATE TABLE ini_sessions (
    hash BLOB PRIMARY KEY,
    member_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE ini_objects (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    parent TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX ini_objects_parent ON ini_objects (kind, parent);
