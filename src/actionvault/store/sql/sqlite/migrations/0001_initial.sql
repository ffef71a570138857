-- The first schema of actionvault on SQLite. Times are UNIX seconds (REAL).

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    is_admin INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until REAL,
    credentials_changed_at REAL NOT NULL,
    created_at REAL NOT NULL
);

-- (agent, action) pairs a user may execute; '*' stands for any.
CREATE TABLE action_grants (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    agent_name TEXT NOT NULL,
    action_name TEXT NOT NULL,
    PRIMARY KEY (user_id, agent_name, action_name)
);

-- Only a hash of the session id is stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    last_used_at REAL NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    lifecycle TEXT NOT NULL,
    status TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL
);

CREATE TABLE document_versions (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    major INTEGER NOT NULL,
    minor INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (document_id, major, minor)
);

-- Document roles (owner__v, viewer__v, editor__v): any role makes the document visible.
CREATE TABLE document_roles (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (document_id, user_id, role)
);

CREATE TABLE object_records (
    id TEXT PRIMARY KEY,
    object_name TEXT NOT NULL,
    object_type TEXT NOT NULL,
    name TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    fields TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX object_records_object ON object_records(object_name);

CREATE TABLE record_roles (
    record_id TEXT NOT NULL REFERENCES object_records(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (record_id, user_id, role)
);

CREATE TABLE chats (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at REAL NOT NULL
);

-- AUTOINCREMENT so that an execution number, and so its VAB id, is never reused.
CREATE TABLE executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id TEXT UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    agent_name TEXT NOT NULL,
    action_name TEXT NOT NULL,
    document_id INTEGER,
    major INTEGER,
    minor INTEGER,
    object_name TEXT,
    object_type TEXT,
    record_id TEXT,
    user_message TEXT,
    chat_id TEXT,
    client_id TEXT,
    state TEXT NOT NULL,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    worker_id TEXT,
    lease_expires_at REAL,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    outputs TEXT,
    errors TEXT
);
-- Partial indexes keep the claim and the lease sweep cheap however many finished rows exist.
CREATE INDEX executions_queued ON executions(id) WHERE state = 'queued';
CREATE INDEX executions_running ON executions(worker_id) WHERE state = 'running';
