-- Payment orders (issue 5). Amounts are integers in 分. Every status change is one row in
-- pay_order_events, written in the same transaction as the order.
CREATE TABLE pay_orders (
  mer_order_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('h5', 'tn')),
  channel TEXT NOT NULL,
  inst_mid TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 100000000),
  refunded_amount INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  status TEXT NOT NULL,
  secure INTEGER NOT NULL DEFAULT 0,
  description TEXT,
  division_json TEXT,
  tn TEXT,
  target_order_id TEXT,
  target_sys TEXT,
  pay_time TEXT,
  expires_at INTEGER,
  notified_at INTEGER,
  next_check_at INTEGER,
  check_count INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX pay_orders_next_check ON pay_orders (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX pay_orders_created ON pay_orders (created_at);
CREATE UNIQUE INDEX pay_orders_tn ON pay_orders (tn) WHERE tn IS NOT NULL;

CREATE TABLE pay_order_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mer_order_id TEXT NOT NULL REFERENCES pay_orders (mer_order_id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL,
  detail TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX pay_order_events_order ON pay_order_events (mer_order_id, id);

-- Each 银商 notifyId is applied once, whatever the retries and concurrency.
CREATE TABLE pay_notifies (
  notify_id TEXT PRIMARY KEY,
  mer_order_id TEXT NOT NULL,
  status TEXT,
  outcome TEXT NOT NULL,
  received_at INTEGER NOT NULL
);

CREATE TABLE pay_refunds (
  refund_order_id TEXT PRIMARY KEY,
  mer_order_id TEXT NOT NULL REFERENCES pay_orders (mer_order_id),
  amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 100000000),
  -- PENDING: sent or about to be, outcome unknown; SUCCESS; FAILED (definitely not done).
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED')),
  description TEXT,
  err_code TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX pay_refunds_order ON pay_refunds (mer_order_id);
