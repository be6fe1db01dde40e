-- eventstore PostgreSQL journal, schema version 1.
-- ${prefix} is the table prefix (default eventstore_); Flyway users can copy this file into their
-- migrations and set the placeholder, or let the journal apply it (initialize-schema).

-- One row per event. Positions are assigned under the head row's lock, so they commit in order
-- and without gaps; data and metadata keep their JSON text exactly as written.
CREATE TABLE IF NOT EXISTS ${prefix}events (
    position    BIGINT      PRIMARY KEY,
    stream_id   TEXT        NOT NULL,
    version     BIGINT      NOT NULL,
    event_type  TEXT        NOT NULL,
    data        JSON        NOT NULL,
    metadata    JSON,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT ${prefix}events_stream_version UNIQUE (stream_id, version)
);

-- The last assigned position. Every append locks this row until it commits.
CREATE TABLE IF NOT EXISTS ${prefix}head (
    id            INT    PRIMARY KEY CHECK (id = 1),
    last_position BIGINT NOT NULL
);

INSERT INTO ${prefix}head (id, last_position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
