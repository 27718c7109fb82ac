import type { OrderStatus } from './status.ts'

export type OrderKind = 'h5' | 'tn'
/** Seed 004 2.3. */
export type SecureStatus = 'UNCOMPLETED' | 'PARTLY_COMPLETED' | 'ALL_COMPLETED' | 'CANCELED'

export interface Order {
  merOrderId: string
  kind: OrderKind
  channel: string
  instMid: string
  amount: number
  refundedAmount: number
  status: OrderStatus
  secure: boolean
  /** 担保交易 (seed 2.3): null until paid and completed/cancelled through us. */
  secureStatus: SecureStatus | null
  /** 分 settled to the merchant by 担保完成 (the rest went back to the buyer). */
  completedAmount: number | null
  description: string | null
  division: OrderDivision | null
  tn: string | null
  targetOrderId: string | null
  targetSys: string | null
  payTime: string | null
  expiresAt: number | null
  notifiedAt: number | null
  nextCheckAt: number | null
  checkCount: number
  /** The logged-in user who created it (null: created without a session). */
  ownerOpenId: string | null
  /** A hash of the creating browser's pay-client cookie. */
  ownerBrowser: string | null
  /** What unpaid orders are counted by (openId, else the client IP). */
  clientKey: string | null
  /** When the platform was first seen to know the order; reconciliation asks about those first. */
  seenAt: number | null
  /** 担保撤销/担保完成 sent without a known outcome (a timeout): reconciliation's query settles it. */
  securePending: { action: 'cancel' | 'complete'; amount: number | null } | null
  createdAt: number
  updatedAt: number
}

/** Who creates an order. */
export interface OrderOwner {
  openId?: string
  browser?: string
  clientKey: string
}

/** The split of a refund of a divided (分账) order (seed 1.3: platformAmount + one sub-merchant). */
export interface RefundDivision {
  platformAmount: number
  subOrders: Array<{ mid: string; totalAmount: number }>
}

/** What a divided order was split into (stored on the order). */
export interface OrderDivision {
  platformAmount: number
  /** The seed's subOrders, when the split was given that way. */
  subOrders: Array<{ mid: string; totalAmount: number }> | null
  /** Sub-merchants named in goods, when the split was given by goods (shares are then proportional). */
  goodsMids?: string[]
}

export type RefundStatus = 'PENDING' | 'SUCCESS' | 'FAILED'

export interface Refund {
  refundOrderId: string
  merOrderId: string
  amount: number
  status: RefundStatus
  description: string | null
  errCode: string | null
  division: RefundDivision | null
  checkCount: number
  nextCheckAt: number | null
  createdAt: number
  updatedAt: number
}

export interface OrderEvent {
  fromStatus: OrderStatus | null
  toStatus: OrderStatus
  source: string
  detail: string | null
  at: number
}

export interface NewOrder {
  merOrderId: string
  kind: OrderKind
  channel: string
  instMid: string
  amount: number
  secure?: boolean
  description?: string
  division?: OrderDivision
  expiresAt?: number
  nextCheckAt: number
  owner?: OrderOwner
  /** The platform already knows it (a tn was issued). */
  seen?: boolean
}

/** Facts learnt from a notify or a query, stored alongside a transition. */
export interface PaymentFacts {
  targetOrderId?: string
  targetSys?: string
  payTime?: string
}
