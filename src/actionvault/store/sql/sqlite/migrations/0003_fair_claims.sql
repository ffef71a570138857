-- Fair claims: executions are claimed in order of fair_rank, then id. A user's new execution
-- goes after their own queued ones, but no further back than the head of the queue, so one
-- user's backlog delays another user's execution by at most one execution per worker slot.
ALTER TABLE executions ADD COLUMN fair_rank INTEGER NOT NULL DEFAULT 0;
-- An execution whose worker died waits this long before it is tried again (back-off).
ALTER TABLE executions ADD COLUMN run_after REAL;
DROP INDEX executions_queued;
CREATE INDEX executions_queued ON executions(fair_rank, id) WHERE state = 'queued';
DROP INDEX executions_queued_by_user;
CREATE INDEX executions_queued_by_user ON executions(user_id, fair_rank) WHERE state = 'queued';
