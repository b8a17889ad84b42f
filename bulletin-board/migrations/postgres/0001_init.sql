-- psephos-board schema v1 (PostgreSQL). specs/board.md §8.1.
-- One row per election log; `size` is the number of committed entries.
-- Appenders lock this row (SELECT ... FOR UPDATE) to serialise index
-- assignment across processes.
CREATE TABLE logs (
    election BYTEA PRIMARY KEY CHECK (octet_length(election) = 32),
    size BIGINT NOT NULL CHECK (size >= 0)
);

-- Entries as the exact canonical bytes that were hashed, with their leaf hash.
-- (election, idx) is the primary key: indices can never repeat.
CREATE TABLE entries (
    election BYTEA NOT NULL REFERENCES logs (election),
    idx BIGINT NOT NULL CHECK (idx >= 0),
    leaf_hash BYTEA NOT NULL CHECK (octet_length(leaf_hash) = 32),
    -- SHA-256 of the payload: a ballot entry's tracking code.
    payload_hash BYTEA NOT NULL CHECK (octet_length(payload_hash) = 32),
    bytes BYTEA NOT NULL,
    PRIMARY KEY (election, idx)
);

-- The tracking-code look-up, and at most one copy of any entry per election.
CREATE UNIQUE INDEX entries_leaf ON entries (election, leaf_hash);

-- The look-up by tracking code.
CREATE INDEX entries_payload ON entries (election, payload_hash);

-- Signed checkpoints, one per committed batch (and the imported one).
CREATE TABLE checkpoints (
    election BYTEA NOT NULL REFERENCES logs (election),
    size BIGINT NOT NULL CHECK (size > 0),
    root BYTEA NOT NULL CHECK (octet_length(root) = 32),
    time BIGINT NOT NULL CHECK (time >= 0),
    signature BYTEA NOT NULL CHECK (octet_length(signature) = 64),
    PRIMARY KEY (election, size)
);
