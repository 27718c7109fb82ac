-- The openId <-> user link (OAuth2 联登) and what each user has authorised.
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  open_id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_login_at INTEGER NOT NULL,
  -- set by 用户授权解除通知; cleared by the next login
  revoked_at INTEGER
);

-- One row per successful authorisation; revoked together when the user withdraws it in 云闪付.
CREATE TABLE user_authorizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id),
  scope TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX user_authorizations_user ON user_authorizations (user_id);
