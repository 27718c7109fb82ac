-- 预授权 on a 无跳转 token (issue 17, docs/preauth.md): a hold (02), its void (32), its completion
-- (03) and the completion's void (33). Amounts in 分. Voids and completions point at what they
-- act on; every status change is one row in preauth_events, in the same transaction.
CREATE TABLE preauth_orders (
  order_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('hold', 'hold_void', 'completion', 'completion_void')),
  binding_id TEXT NOT NULL REFERENCES nojump_bindings (id),
  open_id TEXT NOT NULL,
  txn_time TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 100000000),
  -- PENDING: sent, outcome unknown; SUCCESS; FAILED; VOIDED (a hold or a completion undone by its void)
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED', 'VOIDED')),
  orig_order_id TEXT REFERENCES preauth_orders (order_id),
  query_id TEXT,
  resp_code TEXT,
  resp_msg TEXT,
  check_count INTEGER NOT NULL DEFAULT 0,
  next_check_at INTEGER,
  needs_reconciliation INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  settled_at INTEGER
);
CREATE UNIQUE INDEX preauth_orders_query_id ON preauth_orders (query_id) WHERE query_id IS NOT NULL;
CREATE INDEX preauth_orders_user ON preauth_orders (open_id, created_at);
CREATE INDEX preauth_orders_orig ON preauth_orders (orig_order_id);
CREATE INDEX preauth_orders_next_check ON preauth_orders (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX preauth_orders_txn_time ON preauth_orders (txn_time);

CREATE TABLE preauth_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id TEXT NOT NULL REFERENCES preauth_orders (order_id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL,
  detail TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX preauth_events_order ON preauth_events (order_id, id);
