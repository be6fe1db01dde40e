-- eventstore PostgreSQL journal, schema version 9: events a durable processor parked (its
-- handler failed on them with every retry used, or they wait behind such an event of their
-- stream), kept beside the checkpoints, one row each, keyed by the processor's (or its
-- segment's) name and the event's position.
CREATE TABLE IF NOT EXISTS ${prefix}parked_events (
    processor  TEXT NOT NULL,
    position   BIGINT NOT NULL CHECK (position >= 1),
    stream_id  TEXT NOT NULL,
    type       TEXT NOT NULL,
    attempts   INT NOT NULL CHECK (attempts >= 0),
    error      TEXT NOT NULL,
    parked_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (processor, position)
);
