-- PostgreSQL's own blocks; every other query comes from ../queries.sql.

-- SKIP LOCKED lets any number of worker processes claim at once without waiting on each other.
-- name: claim_executions
UPDATE executions
SET state = 'running', worker_id = :worker_id, attempts = attempts + 1,
    lease_expires_at = :lease_expires_at, started_at = :now
WHERE id IN (SELECT id FROM executions
             WHERE state = 'queued' AND (run_after IS NULL OR run_after <= :now)
             ORDER BY fair_rank, id LIMIT :limit
             FOR UPDATE SKIP LOCKED)
RETURNING *;

-- On PostgreSQL every round trip costs both processes CPU, so each write that is a transaction
-- of several statements elsewhere is one statement here: a data-modifying WITH commits as one.

-- The execution (the shared admitted_insert) if the queue is under its caps, its external id's
-- reservation, its audit events and the NOTIFY that wakes the workers (delivered at commit).
-- Counting the queue in the same statement as the insert leaves concurrent executes no room
-- between a check and the insert. The audit subject is the execution id as
-- domain/ids.format_execution_id writes it, from the prefix and digits it passes in. Refused,
-- it still answers the counts, with no id.
-- name: create_execution
WITH queue AS (
    {{queued_counts}}
), admission AS (
    -- domain.executions.QueueLimits.admits
    SELECT NOT :limited::boolean OR (mine < :per_user AND total < :total) AS admitted FROM queue
), created AS (
    {{admitted_insert}}
), reserved AS (
    INSERT INTO external_ids (external_id, execution_id, created_at)
    SELECT :external_id::text, id, :now FROM created WHERE :external_id::text IS NOT NULL
), events AS (
    -- One insert, in order, so the trail lists the request before an immediate end.
    INSERT INTO audit_events (at, kind, user_id, username, outcome, subject, detail, client_id)
    SELECT :now, e.kind, :user_id, e.username, e.outcome,
           :subject_prefix::text || lpad(created.id::text, :subject_digits::int, '0'), e.detail, e.client_id
    FROM created CROSS JOIN (VALUES
        (1, :requested_kind::text, :username::text, :requested_outcome::text,
         :requested_detail::text, :client_id::text),
        (2, :ended_kind::text, NULL, :ended_outcome::text, :ended_detail::text, NULL)
    ) AS e (position, kind, username, outcome, detail, client_id)
    WHERE e.kind IS NOT NULL
    ORDER BY e.position
)
SELECT queue.mine, queue.total, created.id,
       CASE WHEN :announce::boolean AND created.id IS NOT NULL THEN pg_notify(:channel, '') END
           AS announced
FROM queue LEFT JOIN created ON true;

-- The outcome of the attempt this worker holds (the shared finish_execution), and its audit
-- event.
-- name: finish_execution
WITH finished AS (
    {{finish_execution}}
), ended AS (
    INSERT INTO audit_events (at, kind, user_id, username, outcome, subject, detail, client_id)
    SELECT :now, :ended_kind, :user_id, NULL,
           CASE WHEN state = 'cancelled' THEN :cancelled_outcome ELSE :ended_outcome END,
           :subject, :ended_detail, NULL
    FROM finished
)
SELECT state FROM finished;

-- Through add_execution_event, which keeps event ids in commit order.
-- name: add_progress_event
SELECT add_execution_event(id, user_id, 'progress', attempts, :now, :detail) AS id
FROM executions WHERE id = :id AND state = 'running' AND attempts = :attempt;

-- Row locks first: the first UPDATE's events take the event lock (add_execution_event), and a
-- later UPDATE that then waited for a row held by a finishing worker, itself waiting for the
-- event lock, would deadlock.
-- name: lock_lapsed_executions
SELECT id FROM executions WHERE state = 'running' AND lease_expires_at < :now FOR UPDATE;

-- A batch of the event log read in one statement (PostgresWebhookStore): the read position
-- locked, where no other dispatcher holds it (one reads at a time; the others skip it and claim
-- what is written), the deliveries the batch owes written as `write_webhook_deliveries` does,
-- and the position moved past the batch. `last_id` is NULL when nothing was read: the log is
-- read to its end, no webhook is enabled, or another dispatcher holds the position.
-- name: read_webhook_feed
WITH position AS (
    SELECT GREATEST(f.last_event_id, owed.first_owed) AS after
    FROM webhook_feed f,
         (SELECT min(after_event_id) AS first_owed FROM webhooks WHERE enabled) AS owed
    WHERE f.id = 1 AND owed.first_owed IS NOT NULL
    FOR UPDATE OF f SKIP LOCKED
), batch AS (
    SELECT p.after,
           (SELECT max(b.id) FROM (SELECT id FROM execution_events WHERE id > p.after
                                   ORDER BY id LIMIT :limit) AS b) AS last_id
    FROM position p
), written AS (
    INSERT INTO webhook_deliveries
        (webhook_id, event_id, execution_id, next_attempt_at, window_start, created_at,
         state, lease_owner, lease_expires_at)
    SELECT webhook_id, event_id, execution_id, at, at, at,
           CASE WHEN leased THEN 'delivering' ELSE 'pending' END,
           CASE WHEN leased THEN CAST(:owner AS TEXT) END,
           CASE WHEN leased THEN CAST(:lease_expires_at AS DOUBLE PRECISION) END
    FROM ({{deliveries_owed_by_events}}
          JOIN batch ON e.id > batch.after AND e.id <= batch.last_id) AS owed
    ORDER BY event_id, webhook_id
    RETURNING *
), moved AS (
    UPDATE webhook_feed SET last_event_id = batch.last_id
    FROM batch
    WHERE webhook_feed.id = 1 AND batch.last_id IS NOT NULL
    RETURNING webhook_feed.last_event_id
)
-- One row when nothing was leased, else one per leased delivery (its columns), each with the
-- batch's figures.
SELECT s.last_id, s.written, l.*
FROM (SELECT (SELECT last_event_id FROM moved) AS last_id,
             (SELECT count(*) FROM written) AS written) AS s
LEFT JOIN written AS l ON l.state = 'delivering';

-- Several dispatchers claim at once: each skips the deliveries another is claiming.
-- name: claim_webhook_deliveries
-- Two index ranges rather than one OR, which would read every delivery ever made.
WITH due AS (
    SELECT id FROM webhook_deliveries
    WHERE state = 'pending' AND next_attempt_at <= :now
      AND :busy NOT LIKE '%,' || webhook_id || ',%'
    ORDER BY next_attempt_at, id LIMIT :limit
    FOR UPDATE SKIP LOCKED
), lapsed AS (
    SELECT id FROM webhook_deliveries
    WHERE state = 'delivering' AND lease_expires_at < :now
      AND :busy NOT LIKE '%,' || webhook_id || ',%'
    ORDER BY lease_expires_at, id LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
UPDATE webhook_deliveries
SET state = 'delivering', lease_owner = :owner, lease_expires_at = :lease_expires_at
WHERE id IN (SELECT id FROM due UNION ALL SELECT id FROM lapsed)
RETURNING *;

-- name: webhook_messages
{{webhook_messages_of_deliveries}}
WHERE d.id IN (SELECT CAST(jsonb_array_elements_text(CAST(:ids AS jsonb)) AS bigint));

-- name: record_webhook_attempts
UPDATE webhook_deliveries
SET state = o.state, attempts = attempts + 1, next_attempt_at = o.next_attempt_at,
    lease_owner = NULL, lease_expires_at = NULL, last_status = o.status, last_error = o.error,
    last_response_ms = o.response_ms, last_attempt_at = o.at, finished_at = o.finished_at,
    attempt_log = CAST(
        (CASE WHEN jsonb_array_length(CAST(coalesce(attempt_log, '[]') AS jsonb)) >= 20
              THEN CAST(attempt_log AS jsonb) - 0
              ELSE CAST(coalesce(attempt_log, '[]') AS jsonb) END)
        || jsonb_build_array(jsonb_build_object(
            'attempt', attempts + 1, 'at', o.at, 'status', o.status, 'error', o.error,
            'responseMs', o.response_ms)) AS text)
FROM jsonb_to_recordset(CAST(:outcomes AS jsonb)) AS o(
    id bigint, state text, next_attempt_at double precision, status integer, error text,
    response_ms double precision, at double precision, finished_at double precision)
WHERE webhook_deliveries.id = o.id AND webhook_deliveries.lease_owner = :owner
  AND webhook_deliveries.state = 'delivering'
RETURNING webhook_deliveries.id;
