-- The W3C trace context of the request that queued an execution, so that the worker's spans
-- join the request's trace (JSON of traceparent/tracestate); NULL when tracing is off.
ALTER TABLE executions ADD COLUMN trace_context TEXT;
