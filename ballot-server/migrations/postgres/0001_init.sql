-- psephos-server state outside the board (specs/server-api.md §9), version 1.
CREATE TABLE rounds (
    id TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    phase TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE tokens (
    hash BYTEA PRIMARY KEY,
    kind TEXT NOT NULL,
    round TEXT,
    trustee INTEGER,
    created_at BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE roll (
    round TEXT NOT NULL,
    line BIGINT NOT NULL,
    member_id TEXT NOT NULL,
    email TEXT NOT NULL,
    weight BIGINT NOT NULL,
    PRIMARY KEY (round, member_id)
);
CREATE TABLE blobs (
    round TEXT NOT NULL,
    name TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (round, name)
);
CREATE TABLE audits (
    round TEXT NOT NULL,
    tracking_code BYTEA NOT NULL,
    PRIMARY KEY (round, tracking_code)
);
CREATE TABLE once_casts (
    round TEXT NOT NULL,
    credential BYTEA NOT NULL,
    tracking_code BYTEA NOT NULL,
    PRIMARY KEY (round, credential)
);
