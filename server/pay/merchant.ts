import { ChinaumsError } from '../chinaums/errors.ts'
import type { PayDeps } from './deps.ts'
import { PayInputError } from './errors.ts'
import type { Order } from './model.ts'
import { FIRST_CHECK_AFTER_MS } from './schedule.ts'
import { isSecureStatus, isSecureUnfinished } from './secure.ts'
import { PENDING_STATUSES } from './status.ts'

/** The merchant's other actions on an order: 订单关闭, 担保撤销, 担保完成. */
export class OrderActions {
  constructor(private readonly d: PayDeps) {}

  async close(merOrderId: string): Promise<Order> {
    const { records, client } = this.d
    const order = await records.orders.get(merOrderId)
    if (!order) throw new ChinaumsError('close', 'NO_ORDER', '订单不存在', 'rejected')
    if (!PENDING_STATUSES.has(order.status))
      throw new ChinaumsError('close', 'OPERATION_NOT_ALLOWED', `订单状态为 ${order.status}，不能关闭`, 'rejected')
    try {
      await client.close(merOrderId, order.instMid)
    } catch (err) {
      // The buyer never opened the cashier, so 银商 has no such order yet. Closing it only here is not
      // safe (the signed URL still works until expireTime); reconciliation closes it after that.
      if (err instanceof ChinaumsError && err.errCode === 'NO_ORDER' && order.kind === 'h5') {
        throw new ChinaumsError(
          'close',
          'NO_ORDER',
          '买家尚未打开收银台，银商还没有这笔订单；订单过期（30 分钟）后会自动关闭',
          'rejected',
        )
      }
      throw err
    }
    return (await records.orders.transition(merOrderId, 'TRADE_CLOSED', 'close')).order
  }

  /**
   * 担保撤销: all the money goes back to the buyer; the order is closed. `HAS_CANCELLED` (seed 1.5's
   * example) means it already was: recorded as cancelled. An unknown outcome (timeout) is
   * remembered and settled by reconciliation's query (its secureStatus).
   */
  async secureCancel(merOrderId: string): Promise<Order> {
    const { records, client } = this.d
    const order = await this.secureActionable(merOrderId, 'secure-cancel', 'cancel')
    try {
      await client.secureCancel(merOrderId, order.instMid)
    } catch (err) {
      if (err instanceof ChinaumsError && err.errCode === 'HAS_CANCELLED')
        return records.orders.recordSecureCancel(merOrderId, 'secure-cancel')
      await this.pendingOnUnknown(err, merOrderId, 'cancel', null)
      throw err
    }
    return records.orders.recordSecureCancel(merOrderId)
  }

  /** 担保完成: `completedAmount` is settled to the merchant, the rest goes back to the buyer. */
  async secureComplete(
    merOrderId: string,
    completedAmount: number,
  ): Promise<{ order: Order; secureStatus: string | null }> {
    const { client, records } = this.d
    const order = await this.secureActionable(merOrderId, 'secure-complete', 'complete')
    if (completedAmount > order.amount) throw new PayInputError([`completedAmount 不能超过订单金额 ${order.amount} 分`])
    let r: Record<string, unknown>
    try {
      r = await client.secureComplete(merOrderId, completedAmount, order.instMid)
    } catch (err) {
      if (err instanceof ChinaumsError && err.errCode === 'HAS_CANCELLED') {
        // Cancelled already (by us earlier, or 银商's 30-day automatic cancel): record it, then say so.
        await records.orders.recordSecureCancel(merOrderId, 'secure-complete')
        throw new ChinaumsError(
          'secure-complete',
          'HAS_CANCELLED',
          '担保交易已撤销（可能已超过 30 天被自动撤销），资金已全部退还买家',
          'rejected',
        )
      }
      await this.pendingOnUnknown(err, merOrderId, 'complete', completedAmount)
      throw err
    }
    const replied = isSecureStatus(r.secureStatus) ? r.secureStatus : null
    const status =
      replied === 'PARTLY_COMPLETED' || replied === 'ALL_COMPLETED'
        ? replied
        : completedAmount === order.amount
          ? 'ALL_COMPLETED'
          : 'PARTLY_COMPLETED'
    return {
      order: await records.orders.recordSecureComplete(merOrderId, status, completedAmount),
      secureStatus: replied,
    }
  }

  private async pendingOnUnknown(
    err: unknown,
    merOrderId: string,
    action: 'cancel' | 'complete',
    amount: number | null,
  ): Promise<void> {
    if (err instanceof ChinaumsError && err.indeterminate) {
      await this.d.records.orders.recordSecurePending(merOrderId, action, amount, this.d.clock() + FIRST_CHECK_AFTER_MS)
    }
  }

  /** A paid 担保 order not yet completed or cancelled; while an earlier action's outcome is unknown, only that action may be retried. */
  private async secureActionable(merOrderId: string, api: string, action: 'cancel' | 'complete'): Promise<Order> {
    const order = await this.d.records.orders.get(merOrderId)
    if (!order) throw new ChinaumsError(api, 'NO_ORDER', '订单不存在', 'rejected')
    if (!order.secure) throw new ChinaumsError(api, 'OPERATION_NOT_ALLOWED', '不是担保交易', 'rejected')
    if (order.status !== 'TRADE_SUCCESS')
      throw new ChinaumsError(api, 'OPERATION_NOT_ALLOWED', `订单状态为 ${order.status}`, 'rejected')
    if (!isSecureUnfinished(order))
      throw new ChinaumsError(
        api,
        'OPERATION_NOT_ALLOWED',
        `担保交易已${order.secureStatus === 'CANCELED' ? '撤销' : '完成'}`,
        'rejected',
      )
    if (order.securePending && order.securePending.action !== action) {
      throw new ChinaumsError(
        api,
        'ORDER_PROCESSING',
        `上一次担保${order.securePending.action === 'cancel' ? '撤销' : '完成'}的结果尚不明确，正在查询，请稍后再试`,
        'rejected',
      )
    }
    return order
  }
}
