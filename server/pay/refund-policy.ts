/**
 * The money rules of refunds, in one place and pure (no I/O): what may go back, how a divided
 * (分账) order's refund must be split, and when an order is fully refunded. Seed 004 1.3, 2.2, 2.3.
 */
import { RefundRefusedError } from './errors.ts'
import type { Order, Refund, RefundDivision } from './model.ts'
import { isSecureUnfinished } from './secure.ts'
import { isPaid, type OrderStatus } from './status.ts'

/** What can go back by refunds in total: after a 担保完成 only the completed part was settled (the rest already went back). */
export function refundCap(o: Order): number {
  return o.secure && o.completedAmount !== null ? o.completedAmount : o.amount
}

/** Seed 1.3: a refundOrderId we are given follows the merOrderId rule — the 来源编号 first. */
export function refundIdProblems(refundOrderId: string | undefined, sourceId: string): string[] {
  return refundOrderId !== undefined && !refundOrderId.startsWith(sourceId)
    ? [`refundOrderId 必须以来源编号 ${sourceId} 开头`]
    : []
}

/**
 * Seed 1.3 for divided orders: the split is required, sums to refundAmount, names one
 * sub-merchant at a time, and only sub-merchants of the order. An undivided order takes no split.
 * Returns the problems (the request is malformed); empty when the split is acceptable.
 */
export function refundDivisionProblems(order: Order, amount: number, division: RefundDivision | undefined): string[] {
  const od = order.division
  if (!od) return division ? ['该订单不是分账订单，退款不能上送 platformAmount / subOrders'] : []
  if (!division) return ['分账订单退款必须上送 platformAmount（及退款的子商户 subOrders）']
  const problems: string[] = []
  if (division.subOrders.length > 1) problems.push('一次只能对一个子商户退款（subOrders 最多 1 个元素）')
  const sum = division.subOrders.reduce((s, x) => s + x.totalAmount, 0) + division.platformAmount
  if (sum !== amount) problems.push(`subOrders 退款金额之和 + platformAmount（${sum}）必须等于退款金额（${amount}）`)
  const known = new Set([...(od.subOrders ?? []).map((x) => x.mid), ...(od.goodsMids ?? [])])
  for (const x of division.subOrders) if (!known.has(x.mid)) problems.push(`子商户 ${x.mid} 不在原订单的分账中`)
  return problems
}

/**
 * A new refund against the refunds already made or under way (`live`: pending and successful):
 * the order must be paid; the total may not exceed `refundCap`; for a divided order neither the
 * platform's share nor a sub-merchant's share may be refunded beyond what the order gave it (we
 * read the seed's "小于下单接口中上送的platformAmount" as cumulative ≤). Throws RefundRefusedError.
 */
export function assertRefundFits(
  order: Order,
  amount: number,
  division: RefundDivision | undefined,
  live: readonly Refund[],
): void {
  if (!isPaid(order.status)) throw new RefundRefusedError('NOT_PAID', `订单状态为 ${order.status}，不能退款`)
  if (isSecureUnfinished(order)) {
    // Seed 2.3: "担保未完成的交易不允许直接做反交易".
    throw new RefundRefusedError(
      'SECURE_UNCOMPLETED',
      '担保交易尚未完成，不能直接退款：请先担保完成（之后可退已完成的金额）或担保撤销（全部退还买家）',
    )
  }
  const reserved = live.reduce((s, r) => s + r.amount, 0)
  const cap = refundCap(order)
  if (reserved + amount > cap) {
    const what = cap === order.amount ? '订单金额' : '担保完成金额'
    throw new RefundRefusedError(
      'EXCEEDS_AMOUNT',
      `退款总额不能超过${what}：已退/退款中 ${reserved} 分，本次 ${amount} 分，${what} ${cap} 分`,
    )
  }
  const od = order.division
  if (!od || !division) return
  const platform = live.reduce((s, r) => s + (r.division?.platformAmount ?? 0), 0)
  if (platform + division.platformAmount > od.platformAmount) {
    throw new RefundRefusedError(
      'EXCEEDS_SHARE',
      `平台分账退款总额不能超过下单时的 platformAmount：已退/退款中 ${platform} 分，本次 ${division.platformAmount} 分，共 ${od.platformAmount} 分`,
    )
  }
  for (const sub of division.subOrders) {
    const share = od.subOrders?.find((x) => x.mid === sub.mid)?.totalAmount
    if (share === undefined) continue
    const done = live.reduce((s, r) => s + (r.division?.subOrders.find((x) => x.mid === sub.mid)?.totalAmount ?? 0), 0)
    if (done + sub.totalAmount > share) {
      throw new RefundRefusedError(
        'EXCEEDS_SHARE',
        `子商户 ${sub.mid} 退款总额不能超过其分账金额：已退/退款中 ${done} 分，本次 ${sub.totalAmount} 分，共 ${share} 分`,
      )
    }
  }
}

/** A refund 银商 notified that we never asked for: recorded only if the order is paid and it fits what is left. */
export function notifiedRefundFits(order: Order, amount: number): boolean {
  return isPaid(order.status) && !isSecureUnfinished(order) && order.refundedAmount + amount <= refundCap(order)
}

/** Seed 2.2: a refund moves the order to TRADE_REFUND, or closes it once everything that could go back has gone back. */
export function statusAfterRefund(order: Order, refundedTotal: number): OrderStatus {
  return refundedTotal >= refundCap(order) ? 'TRADE_CLOSED' : 'TRADE_REFUND'
}
