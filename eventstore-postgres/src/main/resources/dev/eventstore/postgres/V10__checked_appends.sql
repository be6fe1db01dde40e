-- eventstore PostgreSQL journal, schema version 10: appends that check data subjects' keys.
-- Upgrades a version 9 database in place (it only adds functions).
--
-- An instance seals personal values with the subjects' keys it has cached. These functions
-- write an append only if ${prefix}subject_keys (V8) still holds each of those keys, byte for
-- byte as wrapped, checked in the append's own statement: an erasure by another instance
-- that returned before the append began is never sealed over with the key it destroyed,
-- and the check costs no round trip of its own. When a key is gone or replaced they write
-- nothing and return the references of those subjects (out_changed, NULL when every key
-- is held); the caller seals again and retries. Otherwise they are ${prefix}append and
-- ${prefix}append_one (V6), whose outputs they return.
--
-- Per key: the subject's reference and its wrapped key, as the instance sealed with them.

-- ${prefix}changed_keys: the subjects among these whose keys the table no longer holds as
-- given (erased, or replaced), NULL when it holds every one. A probe of the table's primary
-- key a subject, rather than one set-based query (unnest and an anti-join), which cost about
-- as much as a round trip of its own (docs/performance.md).
CREATE OR REPLACE FUNCTION ${prefix}changed_keys(p_subjects TEXT[], p_keys BYTEA[])
RETURNS TEXT[]
LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
DECLARE
    v_changed TEXT[];
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_subjects, 1), 0) LOOP
        IF NOT EXISTS (SELECT 1 FROM ${prefix}subject_keys s
                WHERE s.subject = p_subjects[i] AND s.wrapped_key = p_keys[i]) THEN
            v_changed := array_append(v_changed, p_subjects[i]);
        END IF;
    END LOOP;
    RETURN v_changed;
END;
$$;

CREATE OR REPLACE FUNCTION ${prefix}append_checked(
    p_streams   TEXT[],
    p_expected  BIGINT[],
    p_counts    INT[],
    p_created   TIMESTAMPTZ[],
    p_ids       UUID[],
    p_types     TEXT[],
    p_data      TEXT[],
    p_metadata  TEXT[],
    p_revisions INT[],
    p_subjects  TEXT[],
    p_keys      BYTEA[],
    OUT out_first_positions BIGINT[],
    OUT out_versions        BIGINT[],
    OUT out_changed         TEXT[]
)
LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
BEGIN
    out_changed := ${prefix}changed_keys(p_subjects, p_keys);
    IF out_changed IS NOT NULL THEN
        RETURN;
    END IF;
    SELECT a.out_first_positions, a.out_versions INTO out_first_positions, out_versions
        FROM ${prefix}append(p_streams, p_expected, p_counts, p_created, p_ids, p_types, p_data, p_metadata,
            p_revisions) a;
END;
$$;

CREATE OR REPLACE FUNCTION ${prefix}append_one_checked(
    p_stream   TEXT,
    p_expected BIGINT,
    p_created  TIMESTAMPTZ,
    p_id       UUID,
    p_type     TEXT,
    p_data     TEXT,
    p_metadata TEXT,
    p_revision INT,
    p_subjects TEXT[],
    p_keys     BYTEA[],
    OUT out_position BIGINT,
    OUT out_version  BIGINT,
    OUT out_stored   BOOLEAN,
    OUT out_changed  TEXT[]
)
LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
BEGIN
    out_changed := ${prefix}changed_keys(p_subjects, p_keys);
    IF out_changed IS NOT NULL THEN
        out_stored := false;
        RETURN;
    END IF;
    SELECT a.out_position, a.out_version, a.out_stored INTO out_position, out_version, out_stored
        FROM ${prefix}append_one(p_stream, p_expected, p_created, p_id, p_type, p_data, p_metadata, p_revision) a;
END;
$$;
