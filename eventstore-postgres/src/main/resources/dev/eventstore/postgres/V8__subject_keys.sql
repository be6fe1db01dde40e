-- eventstore PostgreSQL journal, schema version 8: data subjects' keys for personal data that
-- can be erased (crypto-shredding). Each key is wrapped under the application's master key
-- before it gets here, and subjects are named by a keyed hash of their id, never the id.
-- Erasing a subject deletes its row; the events table is never written.
CREATE TABLE IF NOT EXISTS ${prefix}subject_keys (
    subject     TEXT PRIMARY KEY,
    wrapped_key BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An erasure cut short before its PersonalDataErased event was appended leaves a note, a row
-- named erased:<reference> with an empty key, until the event is; the store looks for notes
-- when it opens, through this index, whatever the number of keys.
CREATE INDEX IF NOT EXISTS ${prefix}subject_keys_erased ON ${prefix}subject_keys (subject)
    WHERE starts_with(subject, 'erased:');

-- The master key's check value: a wrong master key is refused at start-up.
CREATE TABLE IF NOT EXISTS ${prefix}subject_key_check (
    id    INT PRIMARY KEY CHECK (id = 1),
    value BYTEA NOT NULL
);
