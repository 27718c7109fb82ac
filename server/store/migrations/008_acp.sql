-- 全渠道 (ACP 5.1.0) transactions (issue 11). Amounts are integers in 分. A consume is either
-- `tn` (手机控件, settles a pay_orders row) or `contract` (无感支付 charge); `void` (31) and
-- `refund` (04) point at their consume. Every status change is one row in acp_events, written in
-- the same transaction as the change.
CREATE TABLE acp_orders (
  order_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('tn', 'contract', 'void', 'refund')),
  txn_time TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 100000000),
  -- PENDING: sent, outcome not known yet; SUCCESS; FAILED (definitely not done); VOIDED (a consume undone by 31)
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED', 'VOIDED')),
  refunded_amount INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  orig_order_id TEXT REFERENCES acp_orders (order_id),
  query_id TEXT,
  resp_code TEXT,
  resp_msg TEXT,
  pay_order_id TEXT,
  open_id TEXT,
  contract_id TEXT,
  plan_id TEXT,
  idempotency_key TEXT,
  description TEXT,
  check_count INTEGER NOT NULL DEFAULT 0,
  next_check_at INTEGER,
  -- still unknown after the last scheduled query: the reconciliation file decides (seed 003 FAQ 35)
  needs_reconciliation INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  settled_at INTEGER
);
CREATE UNIQUE INDEX acp_orders_idempotency ON acp_orders (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX acp_orders_query_id ON acp_orders (query_id) WHERE query_id IS NOT NULL;
CREATE INDEX acp_orders_contract ON acp_orders (contract_id, created_at);
CREATE INDEX acp_orders_open_id ON acp_orders (open_id, created_at);
CREATE INDEX acp_orders_orig ON acp_orders (orig_order_id);
CREATE INDEX acp_orders_pay_order ON acp_orders (pay_order_id);
CREATE INDEX acp_orders_next_check ON acp_orders (next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE acp_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id TEXT NOT NULL REFERENCES acp_orders (order_id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL,
  detail TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX acp_events_order ON acp_events (order_id, id);

-- Verified backUrl notifications, once each (keyed by the sha256 of their signature), stored
-- before the 200 answer; outcome says what it did (applied / unchanged / mismatch).
CREATE TABLE acp_notifications (
  signature_hash TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  txn_type TEXT NOT NULL,
  resp_code TEXT NOT NULL,
  outcome TEXT NOT NULL,
  params TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX acp_notifications_order ON acp_notifications (order_id);
