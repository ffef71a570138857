-- Webhooks: endpoints that administrators register, and the outbox of their deliveries.
-- A delivery is written by a trigger in the transaction that writes its execution event, so
-- an event is never committed without the deliveries it owes, whatever statement caused it.
CREATE TABLE webhooks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url TEXT NOT NULL,
    -- whsec_ and base64: the Standard Webhooks form, which receivers' libraries read as is.
    secret TEXT NOT NULL,
    -- Comma-framed event types (",succeeded,failed,cancelled,").
    event_types TEXT NOT NULL,
    -- Only this agent's executions; NULL for every agent.
    agent_name TEXT,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    description TEXT NOT NULL DEFAULT '',
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);

-- One row per (webhook, event): the message, sent until it succeeds or its window ends.
-- Deliveries go with their event (the execution's retention), which retention holds back while
-- any delivery of the execution is pending or delivering; and with their webhook.
CREATE TABLE webhook_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES execution_events(id) ON DELETE CASCADE,
    execution_id BIGINT NOT NULL,
    -- pending (due at next_attempt_at), delivering (leased), succeeded or failed.
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DOUBLE PRECISION NOT NULL,
    -- Retries stop once the retry window, counted from here, has passed (a redelivery resets it).
    window_start DOUBLE PRECISION NOT NULL,
    lease_owner TEXT,
    lease_expires_at DOUBLE PRECISION,
    last_status INTEGER,
    last_error TEXT,
    last_response_ms DOUBLE PRECISION,
    last_attempt_at DOUBLE PRECISION,
    created_at DOUBLE PRECISION NOT NULL,
    finished_at DOUBLE PRECISION
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
CREATE INDEX webhook_deliveries_of_webhook ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_deliveries_of_event ON webhook_deliveries(event_id);
CREATE INDEX webhook_deliveries_of_execution ON webhook_deliveries(execution_id)
    WHERE state IN ('pending', 'delivering');

-- With no webhook registered the SELECT reads an empty table: an event costs nothing more.
-- The NOTIFY (at commit, and only when a delivery was written) wakes the dispatchers.
CREATE FUNCTION execution_event_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added INTEGER;
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event_id, execution_id, next_attempt_at, window_start, created_at)
    SELECT w.id, NEW.id, NEW.execution_id, NEW.at, NEW.at, NEW.at
    FROM webhooks w
    WHERE w.enabled AND position(',' || NEW.type || ',' IN w.event_types) > 0
      AND (w.agent_name IS NULL
           OR w.agent_name = (SELECT agent_name FROM executions WHERE id = NEW.execution_id));
    GET DIAGNOSTICS added = ROW_COUNT;
    IF added > 0 THEN
        PERFORM pg_notify('actionvault_deliveries', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER execution_event_deliveries AFTER INSERT ON execution_events
FOR EACH ROW EXECUTE FUNCTION execution_event_deliveries();
