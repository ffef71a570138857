-- Execution events: what happened to each execution, in order, for event streams and webhooks.
-- Triggers write them, so that an event is committed with the change it describes whatever
-- statement made the change.
CREATE TABLE execution_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    execution_id BIGINT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
    -- The execution's owner, copied so that a stream filters by who may see it without a join.
    user_id BIGINT NOT NULL,
    -- queued, started, progress, succeeded, failed or cancelled.
    type TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    -- JSON: what a progress event reports.
    detail TEXT
);
-- One execution's events. Streams of many executions read by id (they start from now or from
-- the reader's last id) and filter by owner as they go: no index per owner to keep up.
CREATE INDEX execution_events_of_execution ON execution_events(execution_id, id);

-- Every event is added through this function. Concurrent transactions would otherwise commit
-- ids out of order (a later id visible before an earlier one), and a stream resuming after the
-- later id would never see the earlier: the transaction-scoped lock makes ids follow commit
-- order. Statements that change several executions take their row locks before this lock (a
-- row trigger fires at the statement's end), and a transaction of several such statements
-- locks its rows first (lock_lapsed_executions), so the lock never waits on a row lock.
-- The NOTIFY wakes the event streams of every API process, at commit.
CREATE FUNCTION add_execution_event(
    p_execution_id BIGINT, p_user_id BIGINT, p_type TEXT, p_attempt INTEGER,
    p_at DOUBLE PRECISION, p_detail TEXT
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    new_id BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(4729311886101);
    INSERT INTO execution_events (execution_id, user_id, type, attempt, at, detail)
    VALUES (p_execution_id, p_user_id, p_type, p_attempt, p_at, p_detail)
    RETURNING id INTO new_id;
    PERFORM pg_notify('actionvault_events', '');
    RETURN new_id;
END
$$;

CREATE FUNCTION execution_state_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM add_execution_event(
            NEW.id, NEW.user_id, NEW.state, 0, COALESCE(NEW.finished_at, NEW.created_at), NULL
        );
    ELSIF NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM add_execution_event(
            NEW.id, NEW.user_id,
            CASE NEW.state WHEN 'running' THEN 'started' ELSE NEW.state END,
            NEW.attempts,
            CASE
                WHEN NEW.state = 'running' THEN NEW.started_at
                WHEN NEW.finished_at IS NOT NULL THEN NEW.finished_at
                -- Handed back to the queue: no column holds the moment, so the clock's.
                ELSE extract(epoch FROM clock_timestamp())::double precision
            END,
            NULL
        );
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER execution_state_event AFTER INSERT OR UPDATE OF state ON executions
FOR EACH ROW EXECUTE FUNCTION execution_state_event();
