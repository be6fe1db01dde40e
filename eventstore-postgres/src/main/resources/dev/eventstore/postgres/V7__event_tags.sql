-- eventstore PostgreSQL journal, schema version 7: event tags and the indexes behind reads by
-- query and conditional appends (dynamic consistency boundaries). Upgrades a version 6 database
-- in place; existing rows have no tags.
ALTER TABLE ${prefix}events ADD COLUMN IF NOT EXISTS tags TEXT[];

-- Which events carry a tag: a GIN index answers "tags contain all of these" without a scan.
CREATE INDEX IF NOT EXISTS ${prefix}events_tags ON ${prefix}events USING GIN (tags);

-- Which events are of a type, in position order: a query by types alone reads only its rows.
CREATE INDEX IF NOT EXISTS ${prefix}events_type_position ON ${prefix}events (event_type, position);
