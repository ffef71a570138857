-- The first schema of actionvault on SQLite. Times are UNIX seconds (REAL).

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    -- system_admin__v sees and runs everything; standard_user__v gets rights from permission sets.
    security_profile TEXT NOT NULL DEFAULT 'standard_user__v',
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until REAL,
    credentials_changed_at REAL NOT NULL,
    created_at REAL NOT NULL
);

CREATE TABLE user_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at REAL NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

-- Permission sets grant API access, the right to execute agent actions and object permissions.
CREATE TABLE permission_sets (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    api_access INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);

-- (agent, action) pairs the set lets its users execute; '*' stands for any.
CREATE TABLE permission_set_actions (
    permission_set TEXT NOT NULL REFERENCES permission_sets(name) ON DELETE CASCADE,
    agent_name TEXT NOT NULL,
    action_name TEXT NOT NULL,
    PRIMARY KEY (permission_set, agent_name, action_name)
);

CREATE TABLE permission_set_objects (
    permission_set TEXT NOT NULL REFERENCES permission_sets(name) ON DELETE CASCADE,
    object_name TEXT NOT NULL,
    can_read INTEGER NOT NULL DEFAULT 0,
    can_create INTEGER NOT NULL DEFAULT 0,
    can_edit INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (permission_set, object_name)
);

CREATE TABLE user_permission_sets (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    permission_set TEXT NOT NULL REFERENCES permission_sets(name) ON DELETE CASCADE,
    PRIMARY KEY (user_id, permission_set)
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
    fields TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL
);

CREATE TABLE document_versions (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    major INTEGER NOT NULL,
    minor INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    -- Where the file lies under the data folder (content-addressed), its size and digest.
    file_key TEXT,
    file_size INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT,
    -- Extracted once when the version is stored: the text, and its pages and headings (JSON).
    text TEXT NOT NULL,
    structure TEXT NOT NULL DEFAULT '[]',
    created_by INTEGER,
    created_at REAL NOT NULL,
    PRIMARY KEY (document_id, major, minor)
);

-- Document roles (owner__v, viewer__v, editor__v) held by a user or a group ('user' | 'group');
-- any role makes the document visible.
CREATE TABLE document_roles (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    member_kind TEXT NOT NULL,
    member_id INTEGER NOT NULL,
    PRIMARY KEY (document_id, role, member_kind, member_id)
);

CREATE TABLE object_records (
    id TEXT PRIMARY KEY,
    object_name TEXT NOT NULL,
    object_type TEXT NOT NULL,
    name TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    fields TEXT NOT NULL,
    created_at REAL NOT NULL,
    modified_at REAL NOT NULL
);
CREATE INDEX object_records_object ON object_records(object_name, id);

-- Record sharing roles, held like document roles; seeing a record also needs object read.
CREATE TABLE record_roles (
    record_id TEXT NOT NULL REFERENCES object_records(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    member_kind TEXT NOT NULL,
    member_id INTEGER NOT NULL,
    PRIMARY KEY (record_id, role, member_kind, member_id)
);

-- A conversation: its owner and what it is about; its turns are its executions, in order.
CREATE TABLE chats (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    document_id INTEGER,
    object_name TEXT,
    object_type TEXT,
    record_id TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX chats_user ON chats(user_id);

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
    errors TEXT,
    -- What model calls cost, when the action used a model.
    model TEXT,
    model_calls INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    model_seconds REAL NOT NULL DEFAULT 0
);
-- Partial indexes keep the claim and the lease sweep cheap however many finished rows exist.
CREATE INDEX executions_queued ON executions(id) WHERE state = 'queued';
CREATE INDEX executions_finished ON executions(finished_at) WHERE finished_at IS NOT NULL;

-- External ids stay reserved after their execution is removed by retention.
CREATE TABLE external_ids (
    external_id TEXT PRIMARY KEY,
    execution_id INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX executions_running ON executions(worker_id) WHERE state = 'running';
CREATE INDEX executions_queued_by_user ON executions(user_id) WHERE state = 'queued';
CREATE INDEX executions_chat ON executions(chat_id, id) WHERE chat_id IS NOT NULL;

-- Append-only: who did what, when, with what outcome. Triggers refuse any change.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    user_id INTEGER,
    username TEXT,
    outcome TEXT NOT NULL,
    subject TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    client_id TEXT
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
