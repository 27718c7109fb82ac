/**
 * The JSON of the kit's own HTTP API (`/api/*`), written once for both halves: the server
 * annotates what it sends with these types and the H5 reads its answers with them, so a field
 * renamed on one side fails the typecheck of the other. Types and literal lists only — no code
 * that depends on the browser or on Node.
 */

// ---- errors -----------------------------------------------------------------------------------

/** Every error answer: `{"error":{"code","message","details"?}}` with a 4xx/5xx status. */
export interface ApiErrorBody {
  error: {
    code: ApiErrorCode
    /** Chinese, shown to the user as is; never carries secrets. */
    message: string
    details?: Record<string, unknown>
  }
}

/** The codes the server answers with (see docs/ per feature for when). */
export const API_ERROR_CODES = [
  // request shape and transport
  'BAD_JSON',
  'BAD_REQUEST',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'RATE_LIMITED',
  'INTERNAL',
  'INVALID_INPUT',
  'CROSS_ORIGIN_REFUSED',
  // sessions and OAuth 联登
  'NOT_LOGGED_IN',
  'ACCESS_TOKEN_EXPIRED',
  'SCOPE_INVALID',
  'SCOPE_NOT_ALLOWED',
  'SCOPE_NOT_GRANTED',
  'INVALID_REDIRECT',
  'REDIRECT_NOT_ALLOWED',
  'STATE_MISSING',
  'STATE_UNKNOWN',
  'STATE_MISMATCH',
  'CODE_MISSING',
  'CODE_INVALID',
  'CODE_EXPIRED',
  'NO_MOBILE',
  'MOBILE_NOT_PROVIDED',
  'DECRYPT_FAILED',
  'TOKEN_REFRESH_BUSY',
  'UPSTREAM_BUDGET_EXHAUSTED',
  'UPSTREAM_USER_QUOTA',
  // upsdk.config signature
  'URL_REQUIRED',
  'URL_TOO_LONG',
  'URL_INVALID',
  'URL_ORIGIN_NOT_ALLOWED',
  'REJECTED_CONFIG_INVALID',
  // 无感支付 contracts
  'PLAN_REQUIRED',
  'NO_CONTRACT',
  'CONTRACT_BUSY',
  // payments
  'ADMIN_DISABLED',
  'ADMIN_TOKEN_REQUIRED',
  'TN_PROVIDER_MISSING',
  'NO_ORDER',
  'NOT_PAID',
  'EXCEEDS_AMOUNT',
  'EXCEEDS_SHARE',
  'REFUND_ID_CONFLICT',
  'ILLEGAL_TRANSITION',
  'SECURE_UNCOMPLETED',
  'TOO_MANY_UNPAID_ORDERS',
  // 全渠道 (docs/acp.md)
  'ACP_NOT_CONFIGURED',
  'CONTRACT_NOT_SIGNED',
  'PLAN_LIMITS_MISSING',
  'LIMIT_SINGLE',
  'LIMIT_DAILY',
  'USER_IN_ARREARS',
  'IDEMPOTENCY_KEY_REUSED',
  'NOT_A_CONSUME',
  'ALREADY_VOIDED',
  'NOT_SETTLED',
  'VOID_NOT_SAME_DAY',
  'VOID_AFTER_REFUND',
  'REFUND_EXCEEDS',
  // 银联无跳转支付 (docs/nojump.md)
  'NOJUMP_NOT_CONFIGURED',
  'NO_BINDING',
  'BINDING_NOT_OPENING',
  'BINDING_NOT_ACTIVE',
  'CARD_MISMATCH',
  'ORDER_NOT_DRAFT',
  'SMS_STEP_EXPIRED',
  'REVERSAL_NOT_UNKNOWN',
  'REVERSAL_WINDOW_CLOSED',
  // 全渠道 reconciliation file and pre-authorisation (docs/reconcile.md)
  'RECON_FILE_NOT_READY',
  'RECON_FILE_INVALID',
  'RECON_FILE_UNAVAILABLE',
  'RECON_NOT_FOUND',
  'PREAUTH_NOT_CONFIGURED',
  'PREAUTH_NOT_HELD',
  'PREAUTH_EXPIRED',
  'PREAUTH_COMPLETED',
  'PREAUTH_BUSY',
  'COMPLETION_EXCEEDS',
  'COMPLETION_NOT_SETTLED',
  'COMPLETION_VOID_NOT_SAME_DAY',
  // 开放平台 5.3 / 5.5–5.8 (docs/open-apis.md)
  'PAY_PWD_NOT_CONFIGURED',
  'PAY_PWD_NOT_FOUND',
  'PAY_PWD_NOT_VERIFIED',
  'PAY_PWD_ALREADY_USED',
  'PAY_PWD_FAILED',
  'PUSH_REFUSED',
  'PARTNER_KEY_MISSING',
  'MARKETING_NOT_CONFIGURED',
  'ACCOUNT_UNAVAILABLE',
  'BALANCE_TOO_LOW',
] as const

/**
 * A code of `API_ERROR_CODES`, or a platform's own code passed through: `UNIONPAY_<resp>`
 * (云闪付开放平台), `CHINAUMS_<errCode>` (银商) and `ACP_<respCode>` (全渠道).
 */
export type ApiErrorCode =
  (typeof API_ERROR_CODES)[number] | `UNIONPAY_${string}` | `CHINAUMS_${string}` | `ACP_${string}`

// ---- upsdk.config -----------------------------------------------------------------------------

/** `POST /api/upsdk/config {url, frontTokenRejected?}`: what `upsdk.config` needs besides `url`. */
export interface UpsdkConfigSignature {
  appId: string
  /** Seconds since the epoch, as a string. */
  timestamp: string
  nonceStr: string
  /** sha256 hex over appId, frontToken, nonceStr, timestamp, url (seed 003 appendix 1). */
  signature: string
}

// ---- session ----------------------------------------------------------------------------------

/** `GET /api/me`: the logged-in user (401 `NOT_LOGGED_IN` otherwise). */
export interface SessionUserView {
  openId: string
  scope: string
  /** ms epoch; after it user.mobile / user.auth need a new authorisation. */
  accessExpiresAt: number | null
  accessTokenValid: boolean
  canReadMobile: boolean
}

/** `POST /api/me/mobile`. */
export interface MobileView {
  mobile: string
}

/** `POST /api/me/identity` (user.auth, decrypted). */
export interface IdentityView {
  realName: string
  /** 01 身份证, 03 护照, 04 回乡证, 05 台胞证 */
  certType: string
  certTypeName: string
  certId: string
}

// ---- 无感支付 contracts -----------------------------------------------------------------------

/** A contract as the H5 sees it; `none` when the user never applied for the plan. */
export type ContractStatus = 'none' | 'applying' | 'signed' | 'relieved' | 'failed'

/** One plan's contract (`GET /api/contract`, `POST /api/contract/relieve`); no openId, no tokens. */
export interface ContractView {
  planId: string
  status: ContractStatus
  contractId: string | null
  contractCode: string | null
  operateTime: string | null
  signedAt: number | null
  relievedAt: number | null
  relievedBy: 'user' | 'platform' | null
  failure: string | null
  /** With `?info=1`: what contract.info says now. */
  platform?: { contractStatus: 'signed' | 'relieved' | 'none'; contractId: string | null }
}

/** `GET /api/contract`: every plan's contract, and the primary plan's fields at the top level. */
export type ContractListView = Partial<ContractView> & { contracts: ContractView[] }

/** `GET /api/contract/plans` (no session needed). */
export interface ContractPlansView {
  plans: Array<{ planId: string }>
}

/** `GET /api/contract/status`: contract.status's unfinished-order count. */
export interface UnfinishedOrdersView {
  unfinishedOrders: number | null
  owing: boolean
  /** The platform's `enable` as it came. */
  raw: string
}

// ---- payments ---------------------------------------------------------------------------------

/** Seed 004 2.2 status values, plus `NEW_ORDER` (not yet seen by 银商) and `UNKNOWN`. */
export const ORDER_STATUSES = [
  'NEW_ORDER',
  'WAIT_BUYER_PAY',
  'UNKNOWN',
  'TRADE_SUCCESS',
  'TRADE_REFUND',
  'TRADE_CLOSED',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/** Not settled yet: the buyer may still pay. */
export const PENDING_ORDER_STATUSES: readonly OrderStatus[] = ['NEW_ORDER', 'WAIT_BUYER_PAY', 'UNKNOWN']

/** The H5 cashiers of seed 004 1.1.2. */
export type H5Channel = 'uac' | 'qmf' | 'alipay'

/** Seed 004 2.3 担保 status. */
export type SecureStatus = 'UNCOMPLETED' | 'PARTLY_COMPLETED' | 'ALL_COMPLETED' | 'CANCELED'

export type RefundStatus = 'PENDING' | 'SUCCESS' | 'FAILED'

export interface RefundView {
  refundOrderId: string
  merOrderId: string
  /** 分 */
  amount: number
  status: RefundStatus
  errCode: string | null
  createdAt: number
  updatedAt: number
}

/** What anyone holding the merOrderId may see (`GET /api/pay/orders/:merOrderId`). */
export interface OrderView {
  merOrderId: string
  kind: 'h5' | 'tn'
  channel: string
  /** 分 */
  amount: number
  refundedAmount: number
  status: OrderStatus
  description: string | null
  payTime: string | null
  /** 担保交易 only: the 担保 status, and what 担保完成 settled (the rest went back to the buyer). */
  secureStatus?: SecureStatus | null
  completedAmount?: number | null
  /** 担保交易 only: a 担保撤销/担保完成 whose outcome is not known yet (the server is querying 银商). */
  securePending?: 'cancel' | 'complete' | null
  createdAt: number
  updatedAt: number
}

/** `GET /api/pay/my/orders`: the visitor's own orders. */
export interface MyOrdersView {
  orders: OrderView[]
}

/** `GET /api/pay/orders` (merchant). */
export interface OrderListView {
  orders: Array<OrderView & { refunds: RefundView[] }>
}

/** `POST /api/pay/chinaums/orders`: where to send the browser. */
export interface H5OrderCreatedView {
  merOrderId: string
  redirectUrl: string
}

/** `POST /api/pay/tn`. */
export interface TnOrderCreatedView {
  orderId: string
  tn: string
}

/** `POST /api/pay/orders/:merOrderId/refund`. */
export interface RefundResultView {
  refund: RefundView
  order: OrderView
}

/** `POST /api/pay/orders/:merOrderId/{close,secure-cancel,secure-complete}`. */
export interface OrderResultView {
  order: OrderView
  /** secure-complete only: 银商's own `secureStatus` answer, as it came. */
  secureStatus?: string | null
}

/** `GET /api/pay/admin`: may this browser act as the merchant. */
export interface AdminStatusView {
  allowed: boolean
  tokenRequired: boolean
}

// ---- 银联无跳转支付 (docs/nojump.md) ------------------------------------------------------------

/** A card opened for token payment, as the user sees it: the masked number, never the token. */
export interface NojumpCard {
  bindingId: string
  status: 'OPENING' | 'ACTIVE' | 'FAILED' | 'REMOVED'
  via: 'back' | 'front' | 'open_pay'
  maskedPan: string | null
  tokenEnd: string | null
  respMsg: string | null
  /** The opening's orderId (the sandbox "phone" shows the SMS code sent for it). */
  smsRef: string
  createdAt: number
}

export interface NojumpPayment {
  orderId: string
  kind: string
  bindingId: string | null
  /** 分 */
  amount: number
  status: 'DRAFT' | 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED' | 'REVERSED'
  refundedAmount: number
  respCode: string | null
  respMsg: string | null
  description: string | null
  needsReconciliation: boolean
  createdAt: number
  settledAt: number | null
  reversals: {
    orderId: string
    kind: string
    amount: number
    status: string
    respMsg: string | null
    createdAt: number
  }[]
}

/** A front-end transaction: the page posts `fields` to `action` (the bank's page). */
export interface NojumpFrontForm {
  action: string
  fields: Record<string, string>
}

/** 全渠道 reconciliation (docs/reconcile.md): what the file says about one transaction. */
export type ReconcileFindingKind =
  | 'MATCHED'
  | 'SETTLED_SUCCESS'
  | 'SETTLED_FAILED'
  | 'AWAITING_NEXT_FILE'
  | 'MISSING_LOCALLY'
  | 'MISSING_IN_FILE'
  | 'AMOUNT_DIFFERS'
  | 'STATUS_DIFFERS'

export interface ReconcileFindingView {
  kind: ReconcileFindingKind
  orderId: string
  /** 全渠道 txnType: 01 consume, 31 void, 04 refund, 03 pre-auth completion, 33 its void */
  txnType: string
  /** Which of our features holds it; null when we have no record. */
  source: string | null
  /** 分 */
  localAmount: number | null
  fileAmount: number | null
  localStatus: 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED' | null
  queryId: string | null
  /** Masked (first 6, last 4) whatever the file carried. */
  accNoMasked: string | null
  /** Line in the ZM file. */
  line: number | null
}

/** `GET /api/acp/reconciliations`: one reconciled settle day. Amounts in 分 (settle and fee signed). */
export interface ReconciliationSummaryView {
  settleDate: string
  fileName: string
  zmName: string
  fileSha256: string
  records: number
  fileAmount: number
  settleAmount: number
  feeAmount: number
  matched: number
  settled: number
  mismatches: number
  ranAt: number
}

/** `GET /api/acp/reconciliations/:settleDate` */
export interface ReconciliationView extends ReconciliationSummaryView {
  items: ReconcileFindingView[]
}

/** `POST /api/acp/reconciliations` */
export interface ReconcileRunView {
  repeated: boolean
  reconciliation: ReconciliationView
}

/** 预授权 (docs/preauth.md): one hold, void, completion or completion void. Amounts in 分. */
export interface PreauthOrderView {
  orderId: string
  kind: 'hold' | 'hold_void' | 'completion' | 'completion_void'
  amount: number
  status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED'
  respCode: string | null
  respMsg: string | null
  needsReconciliation: boolean
  createdAt: number
  settledAt: number | null
}

/** `GET /api/nojump/preauth` items: a hold with what acted on it and its standing completion. */
export interface PreauthHoldView extends PreauthOrderView {
  bindingId: string
  completion: PreauthOrderView | null
  followUps: PreauthOrderView[]
}
