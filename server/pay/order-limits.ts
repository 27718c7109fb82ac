/**
 * How many unpaid orders one client may hold (pure). Order creation needs no login, so without a
 * limit anyone can create thousands of orders that reconciliation then has to ask 银商 about.
 * A client is the logged-in user (openId) when there is one, else the client IP.
 */
import { PayLimitError } from './errors.ts'

/** Unpaid orders per client within the window. */
export const MAX_UNPAID_ORDERS_PER_CLIENT = 10
/** An unpaid order counts while it can still be paid: its 30-minute expiry plus the 5-minute grace. */
export const UNPAID_WINDOW_MS = 35 * 60_000

export function clientKeyOf(openId: string | undefined, ip: string): string {
  return openId ? `user:${openId}` : `ip:${ip}`
}

/** Throws PayLimitError when one more unpaid order would exceed the limit. */
export function assertMayCreateOrder(unpaidInWindow: number, max: number = MAX_UNPAID_ORDERS_PER_CLIENT): void {
  if (unpaidInWindow >= max) {
    throw new PayLimitError(
      `未支付的订单过多（${unpaidInWindow} 笔）：请先完成或等待已有订单过期（约 30 分钟）后再下单`,
    )
  }
}
