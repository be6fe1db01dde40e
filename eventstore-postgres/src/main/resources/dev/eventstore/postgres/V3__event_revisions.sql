-- eventstore PostgreSQL journal, schema version 3: the schema revision of each event's data,
-- which upcasters read. Upgrades a version 2 database in place; existing rows are revision 1.
ALTER TABLE ${prefix}events ADD COLUMN IF NOT EXISTS revision INT NOT NULL DEFAULT 1;
