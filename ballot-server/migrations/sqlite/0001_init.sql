-- psephos-server state outside the board (specs/server-api.md §9), version 1.
CREATE TABLE rounds (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    phase TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE tokens (
    hash BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    round TEXT,
    trustee INTEGER,
    created_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE roll (
    round TEXT NOT NULL,
    line INTEGER NOT NULL,
    member_id TEXT NOT NULL,
    email TEXT NOT NULL,
    weight INTEGER NOT NULL,
    PRIMARY KEY (round, member_id)
);
CREATE TABLE blobs (
    round TEXT NOT NULL,
    name TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (round, name)
);
CREATE TABLE audits (
    round TEXT NOT NULL,
    tracking_code BLOB NOT NULL,
    PRIMARY KEY (round, tracking_code)
);
CREATE TABLE once_casts (
    round TEXT NOT NULL,
    credential BLOB NOT NULL,
    tracking_code BLOB NOT NULL,
    PRIMARY KEY (round, credential)
);
