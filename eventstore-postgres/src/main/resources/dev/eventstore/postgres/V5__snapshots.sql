-- eventstore PostgreSQL journal, schema version 5: the latest snapshot of each stream's state,
-- an optimisation only (the events stay the truth).
CREATE TABLE IF NOT EXISTS ${prefix}snapshots (
    stream_id   TEXT NOT NULL,
    state_type  TEXT NOT NULL,
    version     BIGINT NOT NULL CHECK (version >= 1),
    fingerprint TEXT NOT NULL,
    state       TEXT NOT NULL,
    saved_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, state_type)
);
