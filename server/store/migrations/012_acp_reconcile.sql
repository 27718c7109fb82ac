-- 全渠道 reconciliation (issue 17, docs/reconcile.md): one row per settle day whose file was
-- reconciled, written with its findings and the orders it settled in ONE transaction, so a run
-- is all or nothing and a second run of the same day finds it and changes nothing.
CREATE TABLE acp_reconciliations (
  settle_date TEXT PRIMARY KEY CHECK (length(settle_date) = 8),
  file_name TEXT NOT NULL,
  zm_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  records INTEGER NOT NULL,
  -- 分: what the file lists (sum of txnAmt), and the settlement and fees it states (signed)
  file_amount INTEGER NOT NULL,
  settle_amount INTEGER NOT NULL,
  fee_amount INTEGER NOT NULL,
  matched INTEGER NOT NULL,
  settled INTEGER NOT NULL,
  mismatches INTEGER NOT NULL,
  ran_at INTEGER NOT NULL
);

-- Every file line and every local transaction of the day: one finding each. Card numbers are
-- stored masked only.
CREATE TABLE acp_reconciliation_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  settle_date TEXT NOT NULL REFERENCES acp_reconciliations (settle_date),
  kind TEXT NOT NULL CHECK (kind IN ('MATCHED', 'SETTLED_SUCCESS', 'SETTLED_FAILED', 'AWAITING_NEXT_FILE',
    'MISSING_LOCALLY', 'MISSING_IN_FILE', 'AMOUNT_DIFFERS', 'STATUS_DIFFERS')),
  order_id TEXT NOT NULL,
  txn_type TEXT NOT NULL,
  source TEXT,
  local_amount INTEGER,
  file_amount INTEGER,
  local_status TEXT,
  query_id TEXT,
  acc_no_masked TEXT,
  file_line INTEGER
);
CREATE INDEX acp_reconciliation_items_day ON acp_reconciliation_items (settle_date, kind);
CREATE INDEX acp_reconciliation_items_order ON acp_reconciliation_items (order_id);
