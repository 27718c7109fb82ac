-- 无感支付 contracts: user (openId) ↔ planId ↔ contractCode (ours) ↔ contractId (云闪付's).
-- A row is written as `applying` before contract.apply is called, so a crash after the platform
-- signed but before we stored the answer leaves a row to reconcile (contract.info), never a second signing.
CREATE TABLE contracts (
  contract_code TEXT PRIMARY KEY,
  app_id TEXT NOT NULL,
  open_id TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  contract_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('applying', 'signed', 'relieved', 'failed')),
  operate_time TEXT,
  relieved_by TEXT CHECK (relieved_by IN ('user', 'platform')),
  failure TEXT,
  -- another attempt on an `applying` row waits until this time (ms epoch) before reconciling it
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  signed_at INTEGER,
  relieved_at INTEGER
);
-- at most one live contract per user and plan
CREATE UNIQUE INDEX contracts_active ON contracts (app_id, open_id, plan_id) WHERE status IN ('applying', 'signed');
CREATE INDEX contracts_contract_id ON contracts (contract_id);
CREATE INDEX contracts_open_id ON contracts (app_id, open_id);

-- Every state change of a contract, written in the same transaction as the change.
CREATE TABLE contract_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  contract_code TEXT NOT NULL REFERENCES contracts (contract_code),
  at INTEGER NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX contract_events_code ON contract_events (contract_code);

-- 解约结果通知 whose signature verified, once each (keyed by the signature's sha256).
-- outcome: relieved (applied), already (contract was not live), unknown (no such contractId),
-- mismatch (contractId known but openId/appId differ), incomplete (fields missing).
-- Rows other than `relieved` / `already` are kept for review.
CREATE TABLE contract_notifications (
  signature_hash TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL,
  app_id TEXT,
  open_id TEXT,
  contract_id TEXT,
  operate_time TEXT,
  outcome TEXT NOT NULL,
  params TEXT NOT NULL
);
CREATE INDEX contract_notifications_outcome ON contract_notifications (outcome);
