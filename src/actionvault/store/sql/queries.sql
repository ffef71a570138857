-- Named queries shared by every dialect, written with :name parameters.
-- A dialect's own queries.sql overrides a block of the same name.

-- name: user_by_username
SELECT * FROM users WHERE lower(username) = lower(:username);

-- name: user_by_id
SELECT * FROM users WHERE id = :id;

-- name: insert_user
INSERT INTO users (username, password_hash, first_name, last_name, email, is_admin, active,
                   credentials_changed_at, created_at)
VALUES (:username, :password_hash, :first_name, :last_name, :email, :is_admin, :active,
        :now, :now)
RETURNING id;

-- name: record_login_failure
UPDATE users
SET failed_logins = failed_logins + 1,
    locked_until = CASE WHEN failed_logins + 1 >= :threshold THEN :locked_until
                        ELSE locked_until END
WHERE id = :id;

-- name: reset_login_failures
UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id;

-- name: grants_for_user
SELECT agent_name, action_name FROM action_grants WHERE user_id = :user_id;

-- name: insert_grant
INSERT INTO action_grants (user_id, agent_name, action_name)
VALUES (:user_id, :agent_name, :action_name)
ON CONFLICT DO NOTHING;

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
INSERT INTO documents (name, type, lifecycle, status, owner_id, created_at)
VALUES (:name, :type, :lifecycle, :status, :owner_id, :now)
RETURNING id;

-- name: insert_document_version
INSERT INTO document_versions (document_id, major, minor, file_name, mime_type, text, created_at)
VALUES (:document_id, :major, :minor, :file_name, :mime_type, :text, :now);

-- name: insert_document_role
INSERT INTO document_roles (document_id, user_id, role) VALUES (:document_id, :user_id, :role)
ON CONFLICT DO NOTHING;

-- name: document_version
SELECT d.id, d.name, d.type, d.lifecycle, d.status, d.owner_id, d.created_at AS document_created_at,
       v.major, v.minor, v.file_name, v.mime_type, v.text, v.created_at
FROM document_versions v JOIN documents d ON d.id = v.document_id
WHERE v.document_id = :document_id AND v.major = :major AND v.minor = :minor;

-- name: latest_document_version
SELECT d.id, d.name, d.type, d.lifecycle, d.status, d.owner_id, d.created_at AS document_created_at,
       v.major, v.minor, v.file_name, v.mime_type, v.text, v.created_at
FROM document_versions v JOIN documents d ON d.id = v.document_id
WHERE v.document_id = :document_id
ORDER BY v.major DESC, v.minor DESC
LIMIT 1;

-- name: document_role_count
SELECT count(*) AS n FROM document_roles WHERE document_id = :document_id AND user_id = :user_id;

-- name: insert_record
INSERT INTO object_records (id, object_name, object_type, name, owner_id, fields, created_at)
VALUES (:id, :object_name, :object_type, :name, :owner_id, :fields, :now);

-- name: insert_record_role
INSERT INTO record_roles (record_id, user_id, role) VALUES (:record_id, :user_id, :role)
ON CONFLICT DO NOTHING;

-- name: record_by_id
SELECT * FROM object_records WHERE object_name = :object_name AND id = :id;

-- name: record_role_count
SELECT count(*) AS n FROM record_roles WHERE record_id = :record_id AND user_id = :user_id;

-- name: max_record_number
SELECT count(*) AS n FROM object_records WHERE object_name = :object_name;

-- name: insert_chat
INSERT INTO chats (id, user_id, created_at) VALUES (:id, :user_id, :now);

-- name: chat_by_id
SELECT * FROM chats WHERE id = :id;

-- name: insert_execution
INSERT INTO executions (external_id, user_id, agent_name, action_name, document_id, major, minor,
                        object_name, object_type, record_id, user_message, chat_id, client_id,
                        state, max_attempts, created_at)
VALUES (:external_id, :user_id, :agent_name, :action_name, :document_id, :major, :minor,
        :object_name, :object_type, :record_id, :user_message, :chat_id, :client_id,
        'queued', :max_attempts, :now)
RETURNING id;

-- name: execution_by_id
SELECT * FROM executions WHERE id = :id;

-- name: execution_by_external_id
SELECT * FROM executions WHERE external_id = :external_id;

-- name: cancel_queued_execution
UPDATE executions SET state = 'cancelled', finished_at = :now
WHERE id = :id AND state = 'queued';

-- name: request_running_cancel
UPDATE executions SET cancel_requested = TRUE
WHERE id = :id AND state = 'running';

-- name: claim_executions
UPDATE executions
SET state = 'running', worker_id = :worker_id, attempts = attempts + 1,
    lease_expires_at = :lease_expires_at, started_at = :now
WHERE id IN (SELECT id FROM executions WHERE state = 'queued' ORDER BY id LIMIT :limit)
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
    finished_at = :now, lease_expires_at = NULL
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
WHERE state = 'running' AND lease_expires_at < :now AND cancel_requested;

-- name: requeue_lapsed_executions
UPDATE executions SET state = 'queued', worker_id = NULL, lease_expires_at = NULL
WHERE state = 'running' AND lease_expires_at < :now AND attempts < max_attempts;

-- name: fail_lapsed_executions
UPDATE executions
SET state = 'failed', errors = :errors, finished_at = :now, lease_expires_at = NULL
WHERE state = 'running' AND lease_expires_at < :now;
