-- eventstore PostgreSQL journal, schema version 6: appends in one round trip. Upgrades a
-- version 5 database in place (it only adds a function; no table changes).
--
-- ${prefix}append writes a group of appends (requests) in the caller's transaction, in three
-- statements whatever the group's size: it advances the head row at once, as if every request
-- matched (which locks it, so appends of every instance are serialised and positions stay
-- gapless and commit-ordered) and notifies listeners (a wake-up; they read the table); looks
-- up whether any of the ids is stored and the streams' versions in one query; checks each
-- request's expected version in order, against the versions the group's earlier requests
-- leave; inserts the events of the requests that match in one statement; and corrects the head
-- when some did not. Called with autocommit on, the call is the commit too.
--
-- Per request: stream id, expected version (-1 = any), number of events, creation time.
-- Per event, in request order: id, type, data, metadata (NULL when empty), revision.
-- Returns, per request, the position of its first event (NULL when its expected version did
-- not match, and nothing of it was written) and the stream's version before it. When any of
-- the events' ids is already stored, it writes nothing and returns NULL arrays: the caller
-- sorts out retries the long way. (Should another instance store one of these ids after the
-- check, the insert's unique index refuses it, and nothing is written.)
CREATE OR REPLACE FUNCTION ${prefix}append(
    p_streams   TEXT[],
    p_expected  BIGINT[],
    p_counts    INT[],
    p_created   TIMESTAMPTZ[],
    p_ids       UUID[],
    p_types     TEXT[],
    p_data      TEXT[],
    p_metadata  TEXT[],
    p_revisions INT[],
    OUT out_first_positions BIGINT[],
    OUT out_versions        BIGINT[]
)
LANGUAGE plpgsql
-- Every lookup here is by key. A session keeps the plans it made while the events table was
-- small (sequential scans) however far the table grows, until the next ANALYZE: without this,
-- the id check scanned the whole table on every call (measured: 1 ms more per 6,000 events).
SET enable_seqscan = off
AS $$
DECLARE
    v_requests INT := coalesce(array_length(p_streams, 1), 0);
    v_total    BIGINT := coalesce(array_length(p_ids, 1), 0);
    v_last     BIGINT;
    v_position BIGINT;
    v_version  BIGINT;
    v_stored   BOOLEAN;
    v_streams  BIGINT;
    v_first    BIGINT[] := array_fill(NULL::BIGINT, ARRAY[v_requests]);
    v_before   BIGINT[];
    v_start    INT[] := array_fill(NULL::INT, ARRAY[v_requests]);
    v_request  INT[] := array_fill(NULL::INT, ARRAY[v_total::INT]);
    v_event    INT := 1;
BEGIN
    UPDATE ${prefix}head SET last_position = last_position + v_total WHERE id = 1
        RETURNING last_position - v_total, pg_notify('${prefix}events', last_position::TEXT) INTO v_last;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Table ${prefix}head has no head row; apply the schema (V1__eventstore_journal.sql)';
    END IF;
    IF v_requests = 1 THEN
        -- One request (no concurrency): two index probes cost less than the set-based query.
        v_stored := EXISTS (SELECT 1 FROM ${prefix}events WHERE event_uuid = ANY(p_ids));
        SELECT e.version INTO v_version FROM ${prefix}events e WHERE e.stream_id = p_streams[1]
            ORDER BY e.version DESC LIMIT 1;
        v_before := ARRAY[coalesce(v_version, 0)];
        v_streams := 1;
    ELSE
        SELECT EXISTS (SELECT 1 FROM ${prefix}events WHERE event_uuid = ANY(p_ids)),
                array_agg(coalesce((SELECT e.version FROM ${prefix}events e WHERE e.stream_id = s.stream
                    ORDER BY e.version DESC LIMIT 1), 0) ORDER BY s.ord),
                count(DISTINCT s.stream)
            INTO v_stored, v_before, v_streams
            FROM unnest(p_streams) WITH ORDINALITY AS s(stream, ord);
    END IF;
    IF v_stored THEN
        UPDATE ${prefix}head SET last_position = v_last WHERE id = 1;
        RETURN;
    END IF;
    v_position := v_last;
    FOR r IN 1 .. v_requests LOOP
        v_version := v_before[r];
        IF v_streams < v_requests THEN
            -- The stream's version after the group's earlier requests to it.
            FOR q IN REVERSE r - 1 .. 1 LOOP
                IF p_streams[q] = p_streams[r] THEN
                    v_version := v_before[q] + CASE WHEN v_first[q] IS NULL THEN 0 ELSE p_counts[q] END;
                    EXIT;
                END IF;
            END LOOP;
        END IF;
        v_before[r] := v_version;
        v_start[r] := v_event;
        IF p_expected[r] < 0 OR p_expected[r] = v_version THEN
            v_first[r] := v_position + 1;
            v_position := v_position + p_counts[r];
        END IF;
        FOR i IN v_event .. v_event + p_counts[r] - 1 LOOP
            v_request[i] := r;
        END LOOP;
        v_event := v_event + p_counts[r];
    END LOOP;
    IF v_position > v_last THEN
        INSERT INTO ${prefix}events (position, stream_id, version, event_type, data, metadata, created_at,
                event_uuid, revision)
            SELECT v_first[e.r] + (e.ord - v_start[e.r]), p_streams[e.r], v_before[e.r] + 1 + (e.ord - v_start[e.r]),
                e.type, e.data::json, e.metadata::json, p_created[e.r], e.id, e.revision
            FROM unnest(v_request, p_ids, p_types, p_data, p_metadata, p_revisions)
                WITH ORDINALITY AS e(r, id, type, data, metadata, revision, ord)
            WHERE v_first[e.r] IS NOT NULL;
    END IF;
    IF v_position <> v_last + v_total THEN
        UPDATE ${prefix}head SET last_position = v_position WHERE id = 1;
    END IF;
    out_first_positions := v_first;
    out_versions := v_before;
END;
$$;

-- ${prefix}append_one: the same for the most common group, one request of one event, with
-- plain parameters (binding nine arrays costs as much as a plain INSERT). Returns the event's
-- position (NULL when the expected version did not match), the stream's version before it,
-- and whether the id is stored already (then nothing is written and the caller takes the long
-- way).
CREATE OR REPLACE FUNCTION ${prefix}append_one(
    p_stream   TEXT,
    p_expected BIGINT,
    p_created  TIMESTAMPTZ,
    p_id       UUID,
    p_type     TEXT,
    p_data     TEXT,
    p_metadata TEXT,
    p_revision INT,
    OUT out_position BIGINT,
    OUT out_version  BIGINT,
    OUT out_stored   BOOLEAN
)
LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
BEGIN
    out_stored := EXISTS (SELECT 1 FROM ${prefix}events WHERE event_uuid = p_id);
    IF out_stored THEN
        RETURN;
    END IF;
    UPDATE ${prefix}head SET last_position = last_position + 1 WHERE id = 1
        RETURNING last_position, pg_notify('${prefix}events', last_position::TEXT) INTO out_position;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Table ${prefix}head has no head row; apply the schema (V1__eventstore_journal.sql)';
    END IF;
    SELECT coalesce(max(e.version), 0) INTO out_version FROM ${prefix}events e WHERE e.stream_id = p_stream;
    IF p_expected >= 0 AND p_expected <> out_version THEN
        UPDATE ${prefix}head SET last_position = out_position - 1 WHERE id = 1;
        out_position := NULL;
        RETURN;
    END IF;
    INSERT INTO ${prefix}events (position, stream_id, version, event_type, data, metadata, created_at,
            event_uuid, revision)
        VALUES (out_position, p_stream, out_version + 1, p_type, p_data::json, p_metadata::json, p_created,
            p_id, p_revision);
END;
$$;
