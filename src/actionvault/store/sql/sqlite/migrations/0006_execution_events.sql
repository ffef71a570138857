-- Execution events: what happened to each execution, in order, for event streams and webhooks.
-- Triggers write them, so that an event is committed with the change it describes whatever
-- statement made the change. An id is never reused (AUTOINCREMENT), and SQLite's single writer
-- commits them in id order, so a reader that resumes after an id misses nothing.
CREATE TABLE execution_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    execution_id INTEGER NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
    -- The execution's owner, copied so that a stream filters by who may see it without a join.
    user_id INTEGER NOT NULL,
    -- queued, started, progress, succeeded, failed or cancelled.
    type TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at REAL NOT NULL,
    -- JSON: what a progress event reports.
    detail TEXT
);
-- One execution's events. Streams of many executions read by id (they start from now or from
-- the reader's last id) and filter by owner as they go: no index per owner to keep up.
CREATE INDEX execution_events_of_execution ON execution_events(execution_id, id);

CREATE TRIGGER execution_created_event AFTER INSERT ON executions
BEGIN
    INSERT INTO execution_events (execution_id, user_id, type, attempt, at)
    VALUES (NEW.id, NEW.user_id, NEW.state, 0, COALESCE(NEW.finished_at, NEW.created_at));
END;

CREATE TRIGGER execution_changed_event AFTER UPDATE OF state ON executions
WHEN NEW.state IS NOT OLD.state
BEGIN
    INSERT INTO execution_events (execution_id, user_id, type, attempt, at)
    VALUES (
        NEW.id, NEW.user_id,
        CASE NEW.state WHEN 'running' THEN 'started' ELSE NEW.state END,
        NEW.attempts,
        CASE
            WHEN NEW.state = 'running' THEN NEW.started_at
            WHEN NEW.finished_at IS NOT NULL THEN NEW.finished_at
            -- Handed back to the queue: no column holds the moment, so the clock's.
            ELSE (julianday('now') - 2440587.5) * 86400.0
        END
    );
END;
