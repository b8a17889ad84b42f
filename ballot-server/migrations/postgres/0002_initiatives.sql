-- Member initiatives (specs/initiatives.md §2, §3), version 2.
CREATE TABLE ini_members (
    member_id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_lc TEXT NOT NULL,
    line BIGINT NOT NULL
);
CREATE INDEX ini_members_email ON ini_members (email_lc);
CREATE TABLE ini_logins (
    token_hash BYTEA PRIMARY KEY,
    code_hash BYTEA NOT NULL,
    email_lc TEXT NOT NULL,
    member_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    used BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX ini_logins_email ON ini_logins (email_lc);
CREATE TABLE ini_sessions (
    hash BYTEA PRIMARY KEY,
    member_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE ini_objects (
    seq BIGSERIAL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    parent TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX ini_objects_parent ON ini_objects (kind, parent, seq);
