-- Deliveries are no longer written with their event: the dispatchers read the event log from
-- where the last one left off (webhook_feed) and write a batch of deliveries at a time, so an
-- execution's transactions cost the same whether webhooks are registered or not, and a batch
-- of deliveries costs one transaction instead of one row in each execution's.
DROP TRIGGER execution_event_deliveries;

-- One row: the id of the last event whose deliveries have been written. Advanced in the
-- transaction that writes them, so each event's deliveries are written once.
CREATE TABLE webhook_feed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id INTEGER NOT NULL
);
-- Every event so far has its deliveries already (the trigger wrote them).
INSERT INTO webhook_feed (id, last_event_id)
VALUES (1, (SELECT coalesce(max(id), 0) FROM execution_events));

-- A webhook is owed the events after this one: those logged once it was registered, or enabled
-- again (the events logged while it was disabled are not sent, as before).
ALTER TABLE webhooks ADD COLUMN after_event_id INTEGER NOT NULL DEFAULT 0;
