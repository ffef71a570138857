-- PostgreSQL's own blocks; every other query comes from ../queries.sql.

-- SKIP LOCKED lets any number of worker processes claim at once without waiting on each other.
-- name: claim_executions
UPDATE executions
SET state = 'running', worker_id = :worker_id, attempts = attempts + 1,
    lease_expires_at = :lease_expires_at, started_at = :now
WHERE id IN (SELECT id FROM executions WHERE state = 'queued' ORDER BY id LIMIT :limit
             FOR UPDATE SKIP LOCKED)
RETURNING *;
