import type { Generated } from 'kysely'

/**
 * The record tables as the query builder sees them (one description for SQLite and PostgreSQL).
 * Times are ms epoch integers (BIGINT on PostgreSQL, read back as numbers); booleans are 0/1.
 * `rowid` is SQLite's implicit row number; on PostgreSQL every table gets an identity column of
 * that name (migrate.ts), so insertion-order tie-breaks read the same on both engines.
 */
export interface Tables {
  schema_migrations: { name: string; applied_at: number }
  sessions: {
    id_hash: string
    open_id: string
    scope: string
    access_token: string | null
    access_expires_at: number | null
    created_at: number
    expires_at: number
    ended_at: number | null
    end_reason: string | null
  }
  users: {
    id: Generated<number>
    open_id: string
    created_at: number
    last_login_at: number
    revoked_at: number | null
  }
  user_authorizations: {
    id: Generated<number>
    user_id: number
    scope: string
    granted_at: number
    revoked_at: number | null
  }
  contracts: {
    rowid: Generated<number>
    contract_code: string
    app_id: string
    open_id: string
    plan_id: string
    contract_id: string | null
    status: 'applying' | 'signed' | 'relieved' | 'failed'
    operate_time: string | null
    relieved_by: 'user' | 'platform' | null
    failure: string | null
    lease_until: number | null
    created_at: number
    updated_at: number
    signed_at: number | null
    relieved_at: number | null
  }
  contract_events: {
    id: Generated<number>
    contract_code: string
    at: number
    from_status: string | null
    to_status: string
    source: string
    detail: string | null
  }
  contract_notifications: {
    rowid: Generated<number>
    signature_hash: string
    received_at: number
    app_id: string | null
    open_id: string | null
    contract_id: string | null
    operate_time: string | null
    outcome: string
    params: string
  }
  notify_receipts: {
    channel: string
    replay_key: string
    received_at: number
  }
  pay_orders: {
    rowid: Generated<number>
    mer_order_id: string
    kind: string
    channel: string
    inst_mid: string
    amount: number
    refunded_amount: Generated<number>
    status: string
    secure: Generated<number>
    description: string | null
    division_json: string | null
    tn: string | null
    target_order_id: string | null
    target_sys: string | null
    pay_time: string | null
    expires_at: number | null
    notified_at: number | null
    next_check_at: number | null
    check_count: Generated<number>
    created_at: number
    updated_at: number
    secure_status: string | null
    completed_amount: number | null
    owner_open_id: string | null
    owner_browser: string | null
    client_key: string | null
    seen_at: number | null
    secure_pending: string | null
    secure_pending_amount: number | null
  }
  pay_order_events: {
    id: Generated<number>
    mer_order_id: string
    from_status: string | null
    to_status: string
    source: string
    detail: string | null
    at: number
  }
  pay_notifies: {
    notify_id: string
    mer_order_id: string
    status: string | null
    outcome: string
    received_at: number
  }
  pay_refunds: {
    rowid: Generated<number>
    refund_order_id: string
    mer_order_id: string
    amount: number
    status: 'PENDING' | 'SUCCESS' | 'FAILED'
    description: string | null
    err_code: string | null
    created_at: number
    updated_at: number
    division_json: string | null
    check_count: Generated<number>
    next_check_at: number | null
  }
  acp_orders: {
    order_id: string
    kind: 'tn' | 'contract' | 'void' | 'refund'
    txn_time: string
    amount: number
    status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED'
    refunded_amount: Generated<number>
    orig_order_id: string | null
    query_id: string | null
    resp_code: string | null
    resp_msg: string | null
    pay_order_id: string | null
    open_id: string | null
    contract_id: string | null
    plan_id: string | null
    idempotency_key: string | null
    description: string | null
    check_count: Generated<number>
    next_check_at: number | null
    needs_reconciliation: Generated<number>
    created_at: number
    updated_at: number
    settled_at: number | null
  }
  acp_events: {
    id: Generated<number>
    order_id: string
    from_status: string | null
    to_status: string
    source: string
    detail: string | null
    at: number
  }
  preauth_orders: {
    order_id: string
    kind: 'hold' | 'hold_void' | 'completion' | 'completion_void'
    binding_id: string
    open_id: string
    txn_time: string
    amount: number
    status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED'
    orig_order_id: string | null
    query_id: string | null
    resp_code: string | null
    resp_msg: string | null
    check_count: Generated<number>
    next_check_at: number | null
    needs_reconciliation: Generated<number>
    created_at: number
    updated_at: number
    settled_at: number | null
  }
  preauth_events: {
    id: Generated<number>
    order_id: string
    from_status: string | null
    to_status: string
    source: string
    detail: string | null
    at: number
  }
  acp_notifications: {
    signature_hash: string
    order_id: string
    txn_type: string
    resp_code: string
    outcome: string
    params: string
    received_at: number
  }
  nojump_bindings: {
    id: string
    open_id: string
    status: 'OPENING' | 'ACTIVE' | 'FAILED' | 'REMOVED'
    via: 'back' | 'front' | 'open_pay'
    token: string | null
    tr_id: string
    masked_pan: string | null
    token_end: string | null
    open_order_id: string
    open_txn_time: string
    resp_code: string | null
    resp_msg: string | null
    created_at: number
    updated_at: number
  }
  nojump_orders: {
    order_id: string
    kind: 'consume' | 'void' | 'refund' | 'preauth' | 'preauth_void' | 'completion' | 'completion_void'
    binding_id: string | null
    open_id: string | null
    txn_time: string
    amount: number
    status: 'DRAFT' | 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED' | 'REVERSED'
    refunded_amount: Generated<number>
    orig_order_id: string | null
    query_id: string | null
    resp_code: string | null
    resp_msg: string | null
    description: string | null
    check_count: Generated<number>
    next_check_at: number | null
    needs_reconciliation: Generated<number>
    created_at: number
    updated_at: number
    settled_at: number | null
  }
  nojump_events: {
    id: Generated<number>
    subject: string
    from_status: string | null
    to_status: string
    source: string
    detail: string | null
    at: number
  }
  pay_pwd_verifications: {
    rowid: Generated<number>
    biz_order_id: string
    app_id: string
    open_id: string
    purpose: string
    biz_type: string
    merchant_id: string
    trans_no: string | null
    status: 'requested' | 'pending' | 'verified' | 'used' | 'failed'
    failure: string | null
    notifications: Generated<number>
    created_at: number
    verified_at: number | null
    used_at: number | null
  }
  marketing_ops: {
    rowid: Generated<number>
    trans_number: string
    kind: 'give' | 'grant' | 'draw'
    open_id: string
    amount: number | null
    status: 'requested' | 'done' | 'failed'
    result_json: string | null
    failure: string | null
    created_at: number
    updated_at: number
  }
  acp_reconciliations: {
    settle_date: string
    file_name: string
    zm_name: string
    file_sha256: string
    records: number
    file_amount: number
    settle_amount: number
    fee_amount: number
    matched: number
    settled: number
    mismatches: number
    ran_at: number
  }
  acp_reconciliation_items: {
    id: Generated<number>
    settle_date: string
    kind: string
    order_id: string
    txn_type: string
    source: string | null
    local_amount: number | null
    file_amount: number | null
    local_status: string | null
    query_id: string | null
    acc_no_masked: string | null
    file_line: number | null
  }
}
