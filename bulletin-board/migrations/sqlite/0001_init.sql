-- psephos-board schema v1 (SQLite). specs/board.md §8.1.
-- One row per election log; `size` is the number of committed entries.
CREATE TABLE logs (
    election BLOB PRIMARY KEY CHECK (length(election) = 32),
    size INTEGER NOT NULL CHECK (size >= 0)
);

-- Entries as the exact canonical bytes that were hashed, with their leaf hash.
-- (election, idx) is unique: indices can never repeat.
CREATE TABLE entries (
    election BLOB NOT NULL REFERENCES logs (election),
    idx INTEGER NOT NULL CHECK (idx >= 0),
    leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
    -- SHA-256 of the payload: a ballot entry's tracking code.
    payload_hash BLOB NOT NULL CHECK (length(payload_hash) = 32),
    bytes BLOB NOT NULL,
    UNIQUE (election, idx)
);

-- The tracking-code look-up, and at most one copy of any entry per election.
CREATE UNIQUE INDEX entries_leaf ON entries (election, leaf_hash);

-- The look-up by tracking code.
CREATE INDEX entries_payload ON entries (election, payload_hash);

-- Signed checkpoints, one per committed batch (and the imported one).
CREATE TABLE checkpoints (
    election BLOB NOT NULL REFERENCES logs (election),
    size INTEGER NOT NULL CHECK (size > 0),
    root BLOB NOT NULL CHECK (length(root) = 32),
    time INTEGER NOT NULL CHECK (time >= 0),
    signature BLOB NOT NULL CHECK (length(signature) = 64),
    PRIMARY KEY (election, size)
);
