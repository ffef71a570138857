-- MCP sessions, kept in the database so that they survive a restart and work on any API
-- process. Only a hash of the session id is stored, as for Vault sessions.
CREATE TABLE mcp_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    protocol_version TEXT NOT NULL,
    client_name TEXT NOT NULL DEFAULT '',
    client_version TEXT NOT NULL DEFAULT '',
    -- Digest of the tool list last sent, so that a change is announced to a stream that
    -- opened after it.
    tools_digest TEXT,
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX mcp_sessions_expiry ON mcp_sessions(expires_at);

-- tools/call requests in flight, by JSON-RPC id, so that a cancel notification reaching any
-- process finds the execution; a cancel that arrives first leaves a row the call then reads.
-- execution_id is not a foreign key: finished executions are purged on their own schedule.
CREATE TABLE mcp_calls (
    session_hash TEXT NOT NULL REFERENCES mcp_sessions(id_hash) ON DELETE CASCADE,
    request_key TEXT NOT NULL,
    execution_id BIGINT,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (session_hash, request_key)
);
