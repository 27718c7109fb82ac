-- Browser sessions. The cookie holds a random id; only its sha256 is stored here.
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  open_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  access_token TEXT,
  access_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT
);
CREATE INDEX sessions_open_id ON sessions (open_id);
