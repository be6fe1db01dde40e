-- eventstore PostgreSQL journal, schema version 4: the checkpoints of durable event
-- processors, one row each, replaced by compare-and-set so a stale owner cannot move one.
CREATE TABLE IF NOT EXISTS ${prefix}checkpoints (
    processor    TEXT PRIMARY KEY,
    position     BIGINT NOT NULL CHECK (position >= 0),
    replay_until BIGINT NOT NULL DEFAULT 0 CHECK (replay_until >= 0),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
