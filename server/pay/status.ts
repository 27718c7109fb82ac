import { ORDER_STATUSES, PENDING_ORDER_STATUSES, type OrderStatus } from '../../common/api.ts'

/** Seed 004 2.2 status values, plus what our store needs (one list, shared with the H5). */
export { ORDER_STATUSES, type OrderStatus }

export function isOrderStatus(s: unknown): s is OrderStatus {
  return typeof s === 'string' && (ORDER_STATUSES as readonly string[]).includes(s)
}

/** Not settled yet: the buyer may still pay (reconciliation keeps asking). */
export const PENDING_STATUSES: ReadonlySet<OrderStatus> = new Set(PENDING_ORDER_STATUSES)

/**
 * The allowed moves. Staying in the same status is not a move (a no-op, always allowed);
 * TRADE_REFUND → TRADE_REFUND is a further partial refund. TRADE_CLOSED allows nothing
 * (seed 2.2: "TRADE_CLOSED的交易不允许进行任何操作").
 */
const MOVES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  NEW_ORDER: ['WAIT_BUYER_PAY', 'UNKNOWN', 'TRADE_SUCCESS', 'TRADE_CLOSED'],
  WAIT_BUYER_PAY: ['UNKNOWN', 'TRADE_SUCCESS', 'TRADE_CLOSED'],
  UNKNOWN: ['WAIT_BUYER_PAY', 'TRADE_SUCCESS', 'TRADE_CLOSED'],
  TRADE_SUCCESS: ['TRADE_REFUND', 'TRADE_CLOSED'],
  TRADE_REFUND: ['TRADE_REFUND', 'TRADE_CLOSED'],
  TRADE_CLOSED: [],
}

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return MOVES[from].includes(to)
}

/** Paid at some point (refunds are possible). */
export function isPaid(s: OrderStatus): boolean {
  return s === 'TRADE_SUCCESS' || s === 'TRADE_REFUND'
}
