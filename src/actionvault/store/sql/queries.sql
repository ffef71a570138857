-- Named queries shared by every dialect, written with :name parameters.
-- A dialect's own queries.sql overrides a block of the same name.

-- name: user_by_username
SELECT * FROM users WHERE lower(username) = lower(:username);

-- name: user_by_id
SELECT * FROM users WHERE id = :id;

-- name: insert_user
INSERT INTO users (username, password_hash, first_name, last_name, email, security_profile,
                   active, credentials_changed_at, created_at)
VALUES (:username, :password_hash, :first_name, :last_name, :email, :security_profile, :active,
        :now, :now)
RETURNING id;

-- name: list_users
SELECT * FROM users ORDER BY id LIMIT :limit OFFSET :offset;

-- name: count_users
SELECT count(*) AS n FROM users;

-- name: update_user
UPDATE users
SET first_name = :first_name, last_name = :last_name, email = :email,
    security_profile = :security_profile, active = :active
WHERE id = :id;

-- A new password ends every session opened before it.
-- name: set_password
UPDATE users SET password_hash = :password_hash, credentials_changed_at = :now,
                 failed_logins = 0, locked_until = NULL
WHERE id = :id;

-- name: delete_user_sessions
DELETE FROM sessions WHERE user_id = :user_id;

-- Everything a user's permission sets and groups grant, in one round trip per request.
-- name: user_permissions
SELECT 'action' AS kind, a.agent_name AS a, a.action_name AS b,
       FALSE AS r, FALSE AS c, FALSE AS e
FROM permission_set_actions a
JOIN user_permission_sets u ON u.permission_set = a.permission_set
WHERE u.user_id = :user_id
UNION ALL
SELECT 'object', o.object_name, '', o.can_read, o.can_create, o.can_edit
FROM permission_set_objects o
JOIN user_permission_sets u ON u.permission_set = o.permission_set
WHERE u.user_id = :user_id
UNION ALL
SELECT 'api', '', '', p.api_access, FALSE, FALSE
FROM permission_sets p
JOIN user_permission_sets u ON u.permission_set = p.name
WHERE u.user_id = :user_id
UNION ALL
SELECT 'group', CAST(g.group_id AS TEXT), '', FALSE, FALSE, FALSE
FROM group_members g
WHERE g.user_id = :user_id;

-- name: upsert_permission_set
INSERT INTO permission_sets (name, label, api_access, created_at)
VALUES (:name, :label, :api_access, :now)
ON CONFLICT (name) DO UPDATE SET label = excluded.label, api_access = excluded.api_access;

-- name: permission_set_by_name
SELECT * FROM permission_sets WHERE name = :name;

-- name: list_permission_sets
SELECT * FROM permission_sets ORDER BY name;

-- name: insert_permission_set_action
INSERT INTO permission_set_actions (permission_set, agent_name, action_name)
VALUES (:permission_set, :agent_name, :action_name)
ON CONFLICT DO NOTHING;

-- name: upsert_permission_set_object
INSERT INTO permission_set_objects (permission_set, object_name, can_read, can_create, can_edit)
VALUES (:permission_set, :object_name, :can_read, :can_create, :can_edit)
ON CONFLICT (permission_set, object_name) DO UPDATE
SET can_read = excluded.can_read, can_create = excluded.can_create, can_edit = excluded.can_edit;

-- name: assign_permission_set
INSERT INTO user_permission_sets (user_id, permission_set) VALUES (:user_id, :permission_set)
ON CONFLICT DO NOTHING;

-- name: user_permission_set_names
SELECT permission_set FROM user_permission_sets WHERE user_id = :user_id ORDER BY permission_set;

-- name: insert_group
INSERT INTO user_groups (name, label, created_at) VALUES (:name, :label, :now) RETURNING id;

-- name: group_by_name
SELECT * FROM user_groups WHERE name = :name;

-- name: insert_group_member
INSERT INTO group_members (group_id, user_id) VALUES (:group_id, :user_id)
ON CONFLICT DO NOTHING;

-- name: insert_audit_event
INSERT INTO audit_events (at, kind, user_id, username, outcome, subject, detail, client_id)
VALUES (:at, :kind, :user_id, :username, :outcome, :subject, :detail, :client_id);

-- name: list_audit_events
SELECT * FROM audit_events
WHERE at >= :since AND (:kind = '' OR kind = :kind) AND (:user_id = 0 OR user_id = :user_id)
  AND id > :after
ORDER BY id
LIMIT :limit;

-- name: insert_session
INSERT INTO sessions (token_hash, user_id, created_at, last_used_at)
VALUES (:token_hash, :user_id, :now, :now);

-- name: session_with_user
SELECT s.token_hash, s.created_at AS session_created_at, s.last_used_at, u.*
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = :token_hash;

-- name: touch_session
UPDATE sessions SET last_used_at = :now WHERE token_hash = :token_hash;

-- name: delete_session
DELETE FROM sessions WHERE token_hash = :token_hash;

-- name: delete_stale_sessions
DELETE FROM sessions WHERE last_used_at < :idle_before OR created_at < :created_before;

-- name: insert_document
INSERT INTO documents (name, type, lifecycle, status, owner_id, fields, created_at)
VALUES (:name, :type, :lifecycle, :status, :owner_id, :fields, :now)
RETURNING id;

-- name: insert_document_version
INSERT INTO document_versions (document_id, major, minor, file_name, mime_type, file_key,
                               file_size, sha256, text, structure, created_by, created_at)
VALUES (:document_id, :major, :minor, :file_name, :mime_type, :file_key, :file_size, :sha256,
        :text, :structure, :created_by, :now);

-- name: document_versions
SELECT major, minor FROM document_versions WHERE document_id = :document_id
ORDER BY major, minor;

-- name: document_by_sha256
SELECT document_id FROM document_versions WHERE sha256 = :sha256 ORDER BY document_id LIMIT 1;

-- name: insert_document_role
INSERT INTO document_roles (document_id, role, member_kind, member_id)
VALUES (:document_id, :role, :member_kind, :member_id)
ON CONFLICT DO NOTHING;

-- name: document_roles
SELECT role, member_kind, member_id FROM document_roles WHERE document_id = :document_id
ORDER BY role, member_kind, member_id;

-- A version and whether this user may see its document, in one round trip (:admin is 1 for
-- an administrator, and for reads on no one's behalf).
-- name: document_version
SELECT d.id, d.name, d.type, d.lifecycle, d.status, d.owner_id, d.fields,
       d.created_at AS document_created_at, v.major, v.minor, v.file_name, v.mime_type,
       v.file_key, v.file_size, v.sha256, v.text, v.structure, v.created_by, v.created_at,
       (:admin = 1 OR EXISTS (SELECT 1 FROM document_viewers
                              WHERE document_id = :document_id AND user_id = :user_id))
           AS visible
FROM document_versions v JOIN documents d ON d.id = v.document_id
WHERE v.document_id = :document_id AND v.major = :major AND v.minor = :minor;

-- name: latest_document_version
SELECT d.id, d.name, d.type, d.lifecycle, d.status, d.owner_id, d.fields,
       d.created_at AS document_created_at, v.major, v.minor, v.file_name, v.mime_type,
       v.file_key, v.file_size, v.sha256, v.text, v.structure, v.created_by, v.created_at
FROM document_versions v JOIN documents d ON d.id = v.document_id
WHERE v.document_id = :document_id
ORDER BY v.major DESC, v.minor DESC
LIMIT 1;

-- What execute needs to validate a target, without the version's text: nothing unless the
-- caller may see the document (:admin is 1 for an administrator, who sees every document).
-- name: version_ref
SELECT d.type, v.major, v.minor
FROM document_versions v JOIN documents d ON d.id = v.document_id
WHERE v.document_id = :document_id
  AND (:major < 0 OR (v.major = :major AND v.minor = :minor))
  AND (:admin = 1 OR EXISTS (SELECT 1 FROM document_viewers
                             WHERE document_id = :document_id AND user_id = :user_id))
ORDER BY v.major DESC, v.minor DESC
LIMIT 1;

-- name: document_visible
SELECT 1 AS visible FROM document_viewers WHERE document_id = :document_id AND user_id = :user_id
LIMIT 1;

-- name: insert_record
INSERT INTO object_records (id, object_name, object_type, name, owner_id, fields, created_at,
                            modified_at)
VALUES (:id, :object_name, :object_type, :name, :owner_id, :fields, :now, :now);

-- name: insert_record_role
INSERT INTO record_roles (record_id, role, member_kind, member_id)
VALUES (:record_id, :role, :member_kind, :member_id)
ON CONFLICT DO NOTHING;

-- name: record_roles
SELECT role, member_kind, member_id FROM record_roles WHERE record_id = :record_id
ORDER BY role, member_kind, member_id;

-- name: record_by_id
SELECT * FROM object_records WHERE object_name = :object_name AND id = :id;

-- name: record_role_count
SELECT count(*) AS n FROM record_roles
WHERE record_id = :record_id
  AND ((member_kind = 'user' AND member_id = :user_id)
       OR (member_kind = 'group'
           AND member_id IN (SELECT group_id FROM group_members WHERE user_id = :user_id)));

-- name: last_record_id
SELECT max(id) AS id FROM object_records WHERE object_name = :object_name;

-- name: list_records
SELECT * FROM object_records WHERE object_name = :object_name ORDER BY id
LIMIT :limit OFFSET :offset;

-- name: insert_chat
INSERT INTO chats (id, user_id, document_id, object_name, object_type, record_id, created_at)
VALUES (:id, :user_id, :document_id, :object_name, :object_type, :record_id, :now);

-- name: chats_of_user
SELECT c.*, (SELECT count(*) FROM executions e WHERE e.chat_id = c.id) AS turns
FROM chats c WHERE c.user_id = :user_id ORDER BY c.created_at DESC, c.id LIMIT :limit;

-- name: delete_chat
DELETE FROM chats WHERE id = :id;

-- name: chat_executions
SELECT * FROM executions WHERE chat_id = :chat_id AND id < :before ORDER BY id DESC LIMIT :limit;

-- name: chat_by_id
SELECT * FROM chats WHERE id = :id;

-- The execution's insert, made only when the row `admission (admitted)` of the statement around
-- it says so: PostgreSQL's create_execution counts the queue in the same statement; SQLite's
-- transaction counts it first, so its insert_execution admits at once.
-- name: admitted_insert
INSERT INTO executions (external_id, user_id, agent_name, action_name, document_id, major, minor,
                        object_name, object_type, record_id, user_message, chat_id, client_id,
                        state, max_attempts, created_at, finished_at, errors, trace_context,
                        fair_rank)
SELECT :external_id, :user_id, :agent_name, :action_name, :document_id, :major, :minor,
       :object_name, :object_type, :record_id, :user_message, :chat_id, :client_id,
       :state, :max_attempts, :now, :finished_at, :errors, :trace_context,
       -- After the user's own queued executions, but no further back than the queue's head.
       COALESCE((SELECT max(fair_rank) + 1 FROM executions
                 WHERE state = 'queued' AND user_id = :user_id),
                (SELECT min(fair_rank) FROM executions WHERE state = 'queued'),
                0)
FROM admission WHERE admission.admitted
RETURNING id;

-- name: insert_execution
WITH admission AS (SELECT 1 AS admitted)
{{admitted_insert}};

-- Bounded counts: back-pressure only needs to know whether a cap is reached.
-- name: queued_counts
SELECT
    (SELECT count(*) FROM (
        SELECT 1 FROM executions WHERE state = 'queued' AND user_id = :user_id LIMIT :per_user
    ) AS mine) AS mine,
    (SELECT count(*) FROM (
        SELECT 1 FROM executions WHERE state = 'queued' LIMIT :total
    ) AS everyone) AS total;

-- name: reserve_external_id
INSERT INTO external_ids (external_id, execution_id, created_at)
VALUES (:external_id, :execution_id, :now);

-- name: external_id_reserved
SELECT execution_id FROM external_ids WHERE external_id = :external_id;

-- Retention: a batch of finished executions older than the cut-off.
-- An execution whose webhook deliveries are still pending stays until they end: its events
-- are their payload.
-- name: purge_finished_executions
DELETE FROM executions
WHERE id IN (SELECT id FROM executions
             WHERE finished_at IS NOT NULL AND finished_at < :before
               AND state IN ('succeeded', 'failed', 'cancelled')
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                               WHERE d.execution_id = executions.id
                                 AND d.state IN ('pending', 'delivering'))
               -- nor while a webhook is owed an event of it not yet read (webhook_feed)
               AND NOT EXISTS (SELECT 1 FROM execution_events e
                               JOIN webhook_feed f ON f.id = 1
                               WHERE e.execution_id = executions.id AND e.id > f.last_event_id
                                 AND EXISTS (SELECT 1 FROM webhooks w
                                             WHERE w.enabled AND e.id > w.after_event_id))
             ORDER BY finished_at LIMIT :batch);

-- name: execution_by_id
SELECT * FROM executions WHERE id = :id;

-- name: execution_by_external_id
SELECT * FROM executions WHERE external_id = :external_id;

-- name: cancel_queued_execution
UPDATE executions SET state = 'cancelled', finished_at = :now
WHERE id = :id AND state = 'queued'
RETURNING *;

-- name: request_running_cancel
UPDATE executions SET cancel_requested = TRUE
WHERE id = :id AND state = 'running';

-- name: claim_executions
UPDATE executions
SET state = 'running', worker_id = :worker_id, attempts = attempts + 1,
    lease_expires_at = :lease_expires_at, started_at = :now
WHERE id IN (SELECT id FROM executions
             WHERE state = 'queued' AND (run_after IS NULL OR run_after <= :now)
             ORDER BY fair_rank, id LIMIT :limit)
RETURNING *;

-- name: renew_leases
UPDATE executions SET lease_expires_at = :lease_expires_at
WHERE worker_id = :worker_id AND state = 'running'
RETURNING id, cancel_requested;

-- A cancel that arrived while the action ran wins over its result: the caller was told SUBMITTED.
-- name: finish_execution
UPDATE executions
SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE :state END,
    outputs = CASE WHEN cancel_requested THEN NULL ELSE :outputs END,
    errors = CASE WHEN cancel_requested THEN NULL ELSE :errors END,
    finished_at = :now, lease_expires_at = NULL,
    model = :model, model_calls = :model_calls, input_tokens = :input_tokens,
    output_tokens = :output_tokens, model_seconds = :model_seconds
WHERE id = :id AND state = 'running' AND worker_id = :worker_id AND attempts = :attempt
RETURNING state;

-- Handing work back at shutdown does not count as an attempt.
-- name: release_worker_executions
UPDATE executions
SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
    finished_at = CASE WHEN cancel_requested THEN :now ELSE NULL END,
    attempts = CASE WHEN cancel_requested THEN attempts ELSE attempts - 1 END,
    worker_id = NULL, lease_expires_at = NULL
WHERE worker_id = :worker_id AND state = 'running';

-- name: release_worker_execution
UPDATE executions
SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
    finished_at = CASE WHEN cancel_requested THEN :now ELSE NULL END,
    attempts = CASE WHEN cancel_requested THEN attempts ELSE attempts - 1 END,
    worker_id = NULL, lease_expires_at = NULL
WHERE id = :id AND worker_id = :worker_id AND state = 'running';

-- name: cancel_lapsed_executions
UPDATE executions SET state = 'cancelled', finished_at = :now, lease_expires_at = NULL
WHERE state = 'running' AND lease_expires_at < :now AND cancel_requested
RETURNING *;

-- Tried again after a back-off that grows with the attempts: an execution whose run took its
-- worker down with it does not take the next one down at once.
-- name: requeue_lapsed_executions
UPDATE executions SET state = 'queued', worker_id = NULL, lease_expires_at = NULL,
                      run_after = :now + :backoff * attempts * attempts
WHERE state = 'running' AND lease_expires_at < :now AND attempts < max_attempts;

-- name: fail_lapsed_executions
UPDATE executions
SET state = 'failed', errors = :errors, finished_at = :now, lease_expires_at = NULL
WHERE state = 'running' AND lease_expires_at < :now
RETURNING *;

-- name: record_by_name
SELECT * FROM object_records WHERE object_name = :object_name AND name = :name LIMIT 1;

-- MCP sessions and the tools/call requests in flight in them.

-- name: insert_mcp_session
INSERT INTO mcp_sessions
    (id_hash, user_id, protocol_version, client_name, client_version, created_at, expires_at)
VALUES (:id_hash, :user_id, :protocol_version, :client_name, :client_version, :now, :expires_at);

-- name: mcp_session
SELECT * FROM mcp_sessions WHERE id_hash = :id_hash;

-- name: set_mcp_tools_digest
UPDATE mcp_sessions SET tools_digest = :digest WHERE id_hash = :id_hash;

-- name: delete_mcp_session
DELETE FROM mcp_sessions WHERE id_hash = :id_hash;

-- name: delete_expired_mcp_sessions
DELETE FROM mcp_sessions WHERE expires_at <= :now;

-- Whether the request was cancelled before its execution was recorded.
-- name: record_mcp_call
INSERT INTO mcp_calls (session_hash, request_key, execution_id, cancelled, created_at)
VALUES (:session_hash, :request_key, :execution_id, FALSE, :now)
ON CONFLICT (session_hash, request_key) DO UPDATE SET execution_id = excluded.execution_id
RETURNING cancelled;

-- The request's execution, when it has one yet.
-- name: cancel_mcp_call
INSERT INTO mcp_calls (session_hash, request_key, execution_id, cancelled, created_at)
VALUES (:session_hash, :request_key, NULL, TRUE, :now)
ON CONFLICT (session_hash, request_key) DO UPDATE SET cancelled = TRUE
RETURNING execution_id;

-- name: mcp_call
SELECT * FROM mcp_calls WHERE session_hash = :session_hash AND request_key = :request_key;

-- name: delete_mcp_call
DELETE FROM mcp_calls WHERE session_hash = :session_hash AND request_key = :request_key;

-- name: visible_documents
SELECT d.id, d.name, d.type, d.status, d.owner_id, d.created_at
FROM documents d
WHERE :admin = 1 OR EXISTS (SELECT 1 FROM document_viewers
                            WHERE document_id = d.id AND user_id = :user_id)
ORDER BY d.id;

-- The readiness probe's read: the last migration applied.
-- name: schema_version
SELECT max(number) AS version FROM schema_migrations;

-- The queue as a scrape reads it: how many executions wait, and since when the oldest.
-- name: queue_summary
SELECT count(*) AS depth, min(created_at) AS oldest FROM executions WHERE state = 'queued';

-- Execution events (the triggers of migration 0006 write the state changes).

-- A running action's progress, recorded only while the attempt that reports it still runs.
-- name: add_progress_event
INSERT INTO execution_events (execution_id, user_id, type, attempt, at, detail)
SELECT id, user_id, 'progress', attempts, :now, :detail FROM executions
WHERE id = :id AND state = 'running' AND attempts = :attempt
RETURNING id;

-- name: events_of_execution
SELECT e.id, e.execution_id, e.user_id, e.type, e.attempt, e.at, e.detail,
       x.agent_name, x.action_name, x.external_id, x.chat_id, x.document_id, x.major, x.minor,
       x.object_name, x.object_type, x.record_id
FROM execution_events e JOIN executions x ON x.id = e.execution_id
WHERE e.execution_id = :execution_id AND e.id > :after
ORDER BY e.id LIMIT :limit;

-- `types` is a comma-framed list (",succeeded,failed,") or NULL for every type.
-- name: events_after
SELECT e.id, e.execution_id, e.user_id, e.type, e.attempt, e.at, e.detail,
       x.agent_name, x.action_name, x.external_id, x.chat_id, x.document_id, x.major, x.minor,
       x.object_name, x.object_type, x.record_id
FROM execution_events e JOIN executions x ON x.id = e.execution_id
WHERE e.id > :after
  AND (CAST(:user_id AS BIGINT) IS NULL OR e.user_id = :user_id)
  AND (CAST(:agent_name AS TEXT) IS NULL OR x.agent_name = :agent_name)
  AND (CAST(:action_name AS TEXT) IS NULL OR x.action_name = :action_name)
  AND (CAST(:types AS TEXT) IS NULL OR :types LIKE '%,' || e.type || ',%')
ORDER BY e.id LIMIT :limit;

-- name: latest_event_id
SELECT COALESCE(max(id), 0) AS id FROM execution_events;

-- The executions a recovery is about to change, locked before any of its statements adds an
-- event (PostgreSQL's own block says why); SQLite's transaction holds the whole database.
-- name: lock_lapsed_executions
SELECT id FROM executions WHERE state = 'running' AND lease_expires_at < :now;

-- The web console's execution list: newest first, narrowed by owner (0: everyone's), state
-- and agent.
-- name: list_recent_executions
SELECT * FROM executions
WHERE (:user_id = 0 OR user_id = :user_id) AND (:state = '' OR state = :state)
  AND (:agent_name = '' OR agent_name = :agent_name)
ORDER BY id DESC
LIMIT :limit;

-- name: audit_events_of_subject
SELECT * FROM audit_events WHERE subject = :subject ORDER BY id LIMIT :limit;
-- Webhooks and their outbox (migrations 0007 and 0009: the dispatchers write deliveries as
-- they read the event log, from webhook_feed's position on).

-- A webhook is owed the events logged from now on.
-- name: insert_webhook
INSERT INTO webhooks
    (url, secret, event_types, agent_name, enabled, description, created_at, updated_at,
     after_event_id)
VALUES (:url, :secret, :event_types, :agent_name, :enabled, :description, :now, :now,
        (SELECT coalesce(max(id), 0) FROM execution_events))
RETURNING *;

-- name: webhook_by_id
SELECT * FROM webhooks WHERE id = :id;

-- name: list_webhooks
SELECT * FROM webhooks ORDER BY id;

-- A disabled webhook is owed nothing logged while it was: enabled again, it is owed the events
-- logged from then on.
-- name: update_webhook
UPDATE webhooks
SET url = :url, event_types = :event_types, agent_name = :agent_name, enabled = :enabled,
    description = :description, updated_at = :now,
    after_event_id = CASE WHEN enabled THEN after_event_id
                          ELSE (SELECT coalesce(max(id), 0) FROM execution_events) END
WHERE id = :id
RETURNING *;

-- name: set_webhook_secret
UPDATE webhooks SET secret = :secret, updated_at = :now WHERE id = :id RETURNING *;

-- name: delete_webhook
DELETE FROM webhooks WHERE id = :id;

-- name: list_webhook_deliveries
SELECT * FROM webhook_deliveries
WHERE webhook_id = :webhook_id AND (CAST(:state AS TEXT) IS NULL OR state = :state)
  AND id > :after
ORDER BY id LIMIT :limit;

-- name: webhook_delivery_by_id
SELECT * FROM webhook_deliveries WHERE id = :id AND webhook_id = :webhook_id;

-- Due now, with a fresh window; a delivery being sent right now is left to finish.
-- name: redeliver_webhook_delivery
UPDATE webhook_deliveries
SET state = 'pending', next_attempt_at = :now, window_start = :now, finished_at = NULL
WHERE id = :id AND webhook_id = :webhook_id AND state <> 'delivering'
RETURNING *;

-- Where the dispatchers have read the event log up to, and where the earliest enabled webhook
-- is owed events from (NULL: no webhook is enabled, there is nothing to read). Read in the
-- transaction that writes what follows.
-- name: webhook_feed_position
SELECT f.last_event_id,
       (SELECT min(w.after_event_id) FROM webhooks w WHERE w.enabled) AS first_owed
FROM webhook_feed f WHERE f.id = 1;

-- The last event id of the next batch of events to read.
-- name: webhook_feed_batch_end
SELECT max(id) AS last_id
FROM (SELECT id FROM execution_events WHERE id > :after ORDER BY id LIMIT :limit) AS batch;

-- The deliveries events owe: one per enabled webhook whose event types and agent an event
-- matches, due at once (at the event's time). The first :room of them to endpoints not named
-- in :busy (as in claim_webhook_deliveries) are `leased`: written leased to the reader, whose
-- claim then has them without writing them again. The statements that write them (here and in
-- PostgreSQL's read_webhook_feed) add which events.
-- name: deliveries_owed_by_events
SELECT w.id AS webhook_id, e.id AS event_id, e.execution_id, e.at,
       :busy NOT LIKE '%,' || w.id || ',%'
       AND row_number() OVER (PARTITION BY :busy LIKE '%,' || w.id || ',%'
                              ORDER BY e.id, w.id) <= :room AS leased
FROM execution_events e
JOIN executions x ON x.id = e.execution_id
JOIN webhooks w ON w.enabled AND e.id > w.after_event_id
                   AND w.event_types LIKE '%,' || e.type || ',%'
                   AND (w.agent_name IS NULL OR w.agent_name = x.agent_name)

-- The deliveries a batch of events owes, in event order; all of them returned.
-- name: write_webhook_deliveries
INSERT INTO webhook_deliveries
    (webhook_id, event_id, execution_id, next_attempt_at, window_start, created_at,
     state, lease_owner, lease_expires_at)
SELECT webhook_id, event_id, execution_id, at, at, at,
       CASE WHEN leased THEN 'delivering' ELSE 'pending' END,
       CASE WHEN leased THEN :owner END,
       CASE WHEN leased THEN :lease_expires_at END
FROM ({{deliveries_owed_by_events}}
      WHERE e.id > :after AND e.id <= :last_id) AS owed
ORDER BY event_id, webhook_id
RETURNING *;

-- name: advance_webhook_feed
UPDATE webhook_feed SET last_event_id = :last_id WHERE id = 1;

-- Due deliveries, and those whose sender died (their lease lapsed), except to the endpoints
-- named in `busy` (a comma-framed list of webhook ids this process has no room for).
-- name: claim_webhook_deliveries
UPDATE webhook_deliveries
SET state = 'delivering', lease_owner = :owner, lease_expires_at = :lease_expires_at
WHERE id IN (
    -- Two index ranges rather than one OR, which would read every delivery ever made.
    SELECT id FROM (SELECT id FROM webhook_deliveries
                    WHERE state = 'pending' AND next_attempt_at <= :now
                      AND :busy NOT LIKE '%,' || webhook_id || ',%'
                    ORDER BY next_attempt_at, id LIMIT :limit) AS due
    UNION ALL
    SELECT id FROM (SELECT id FROM webhook_deliveries
                    WHERE state = 'delivering' AND lease_expires_at < :now
                      AND :busy NOT LIKE '%,' || webhook_id || ',%'
                    ORDER BY lease_expires_at, id LIMIT :limit) AS lapsed
)
RETURNING *;

-- What a batch of claimed deliveries sends, in one read: each one's webhook (read at every
-- attempt, so a new secret or URL counts from the next one on) and its event.
-- name: webhook_messages_of_deliveries
SELECT d.id AS delivery_id,
       w.id AS webhook_id, w.url AS webhook_url, w.secret AS webhook_secret,
       w.event_types AS webhook_event_types, w.agent_name AS webhook_agent_name,
       w.enabled AS webhook_enabled, w.description AS webhook_description,
       w.created_at AS webhook_created_at, w.updated_at AS webhook_updated_at,
       e.id, e.execution_id, e.user_id, e.type, e.attempt, e.at, e.detail,
       x.agent_name, x.action_name, x.external_id, x.chat_id, x.document_id, x.major, x.minor,
       x.object_name, x.object_type, x.record_id
FROM webhook_deliveries d
JOIN webhooks w ON w.id = d.webhook_id
JOIN execution_events e ON e.id = d.event_id
JOIN executions x ON x.id = e.execution_id;

-- :ids is a JSON array of delivery ids.
-- name: webhook_messages
{{webhook_messages_of_deliveries}}
WHERE d.id IN (SELECT value FROM json_each(:ids));

-- Claimed but not sent (its endpoint had no free slot here): due again, no attempt counted.
-- name: release_webhook_delivery
UPDATE webhook_deliveries SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL
WHERE id = :id AND lease_owner = :owner AND state = 'delivering';

-- Only while this sender still holds the lease: a sender whose lease lapsed and was taken over
-- records nothing (the other's attempt counts). :outcomes is a JSON array, one object per
-- attempt; a batch of them is one statement.
-- name: record_webhook_attempts
UPDATE webhook_deliveries
SET state = o.state, attempts = attempts + 1, next_attempt_at = o.next_attempt_at,
    lease_owner = NULL, lease_expires_at = NULL, last_status = o.status, last_error = o.error,
    last_response_ms = o.response_ms, last_attempt_at = o.at, finished_at = o.finished_at,
    attempt_log = json_insert(
        CASE WHEN json_array_length(coalesce(attempt_log, '[]')) >= 20
             THEN json_remove(attempt_log, '$[0]') ELSE coalesce(attempt_log, '[]') END,
        '$[#]',
        json_object('attempt', attempts + 1, 'at', o.at, 'status', o.status, 'error', o.error,
                    'responseMs', o.response_ms))
FROM (SELECT json_extract(value, '$.id') AS id,
             json_extract(value, '$.state') AS state,
             json_extract(value, '$.next_attempt_at') AS next_attempt_at,
             json_extract(value, '$.status') AS status,
             json_extract(value, '$.error') AS error,
             json_extract(value, '$.response_ms') AS response_ms,
             json_extract(value, '$.at') AS at,
             json_extract(value, '$.finished_at') AS finished_at
      FROM json_each(:outcomes)) AS o
-- The unary + keeps SQLite from reading every delivery being sent through the state index and
-- matching each against the whole batch: it looks each one of the batch up by its id instead.
WHERE webhook_deliveries.id = o.id AND webhook_deliveries.lease_owner = :owner
  AND +webhook_deliveries.state = 'delivering'
RETURNING webhook_deliveries.id;

-- When the dispatchers next have something to claim: a read, so an idle server writes nothing.
-- Unread events of a type an enabled webhook takes are due at once (0), as is a long stretch of
-- unread events of other types (past the first :look_ahead), so that reading moves past them;
-- a few of those alone wait for the next claim.
-- name: next_webhook_delivery_due
SELECT (SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending') AS pending,
       (SELECT min(lease_expires_at) FROM webhook_deliveries WHERE state = 'delivering')
           AS lapsing,
       (SELECT 0.0 FROM webhook_feed f
        WHERE f.id = 1
          AND (EXISTS (SELECT 1
                       FROM (SELECT id, type FROM execution_events WHERE id > f.last_event_id
                             ORDER BY id LIMIT :look_ahead) AS e
                       JOIN webhooks w ON w.enabled AND e.id > w.after_event_id
                                          AND w.event_types LIKE '%,' || e.type || ',%')
               OR EXISTS (SELECT 1 FROM webhooks w
                          WHERE w.enabled
                            AND EXISTS (SELECT 1 FROM execution_events
                                        WHERE id > f.last_event_id + :look_ahead
                                          AND id > w.after_event_id))))
           AS unread;
