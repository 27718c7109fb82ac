-- 银联无跳转支付 (token payment, issue 17). A binding is one opened card of a user: we keep the
-- token and the masked card number, never the card number, phone, CVN2 or expiry.
CREATE TABLE nojump_bindings (
  id TEXT PRIMARY KEY,
  open_id TEXT NOT NULL,
  -- OPENING: open sent or SMS sent, not known yet; ACTIVE: token usable; FAILED; REMOVED (解除标记)
  status TEXT NOT NULL CHECK (status IN ('OPENING', 'ACTIVE', 'FAILED', 'REMOVED')),
  via TEXT NOT NULL CHECK (via IN ('back', 'front', 'open_pay')),
  token TEXT,
  tr_id TEXT NOT NULL,
  masked_pan TEXT,
  token_end TEXT,
  -- the opening transaction (SMS + 79, front 79, or open-and-pay 01): 78/79-05 ask by these
  open_order_id TEXT NOT NULL,
  open_txn_time TEXT NOT NULL,
  resp_code TEXT,
  resp_msg TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX nojump_bindings_token ON nojump_bindings (token) WHERE token IS NOT NULL AND status = 'ACTIVE';
CREATE UNIQUE INDEX nojump_bindings_open_order ON nojump_bindings (open_order_id, open_txn_time);
CREATE INDEX nojump_bindings_user ON nojump_bindings (open_id, created_at);

-- Money moved with a token. kind: consume (01), void (31), refund (04); the pre-authorisation
-- kinds are reserved for that feature. A reversal (99) carries the original's orderId, so it
-- is not a row: it moves the consume to REVERSED (an event row says so).
CREATE TABLE nojump_orders (
  order_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('consume', 'void', 'refund', 'preauth', 'preauth_void', 'completion', 'completion_void')),
  binding_id TEXT REFERENCES nojump_bindings (id),
  open_id TEXT,
  txn_time TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 100000000),
  -- DRAFT: SMS code sent, not paid yet; PENDING: sent, outcome unknown; SUCCESS; FAILED;
  -- VOIDED (31); REVERSED (99: never taken)
  status TEXT NOT NULL CHECK (status IN ('DRAFT', 'PENDING', 'SUCCESS', 'FAILED', 'VOIDED', 'REVERSED')),
  refunded_amount INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  orig_order_id TEXT REFERENCES nojump_orders (order_id),
  query_id TEXT,
  resp_code TEXT,
  resp_msg TEXT,
  description TEXT,
  check_count INTEGER NOT NULL DEFAULT 0,
  next_check_at INTEGER,
  needs_reconciliation INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  settled_at INTEGER
);
CREATE UNIQUE INDEX nojump_orders_query_id ON nojump_orders (query_id) WHERE query_id IS NOT NULL;
CREATE INDEX nojump_orders_user ON nojump_orders (open_id, created_at);
CREATE INDEX nojump_orders_orig ON nojump_orders (orig_order_id);
CREATE INDEX nojump_orders_next_check ON nojump_orders (next_check_at) WHERE next_check_at IS NOT NULL;

-- Every change of a binding or an order, written in the same transaction as the change.
CREATE TABLE nojump_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL,
  detail TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX nojump_events_subject ON nojump_events (subject, id);
