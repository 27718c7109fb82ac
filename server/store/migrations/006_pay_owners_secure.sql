-- Payments (issue 13). Orders belong to someone: the logged-in user (openId) when there was one,
-- and the browser that created it (a hash of its pay-client cookie), so the order answers its
-- owner or the merchant only. client_key counts unpaid orders per client (openId, else IP).
ALTER TABLE pay_orders ADD COLUMN owner_open_id TEXT;
ALTER TABLE pay_orders ADD COLUMN owner_browser TEXT;
ALTER TABLE pay_orders ADD COLUMN client_key TEXT;
CREATE INDEX pay_orders_client_pending ON pay_orders (client_key, created_at) WHERE status IN ('NEW_ORDER', 'WAIT_BUYER_PAY', 'UNKNOWN');
CREATE INDEX pay_orders_owner ON pay_orders (owner_open_id, created_at) WHERE owner_open_id IS NOT NULL;
-- When the platform was first seen to know the order (a notify, a verified return page, a query
-- answer other than NO_ORDER, an issued tn): reconciliation asks about those first.
ALTER TABLE pay_orders ADD COLUMN seen_at INTEGER;
-- 担保: a cancel/complete whose outcome is unknown (timeout) until a query tells ('cancel' / 'complete').
ALTER TABLE pay_orders ADD COLUMN secure_pending TEXT;
ALTER TABLE pay_orders ADD COLUMN secure_pending_amount INTEGER;
