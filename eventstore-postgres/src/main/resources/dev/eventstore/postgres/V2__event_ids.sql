-- eventstore PostgreSQL journal, schema version 2: event ids, for idempotent retries.
-- Upgrades a version 1 database in place. Rows stored before it keep a NULL id and read back
-- with an id derived from their position; the unique index allows any number of NULLs.
ALTER TABLE ${prefix}events ADD COLUMN IF NOT EXISTS event_uuid UUID;

CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}events_uuid ON ${prefix}events (event_uuid);
