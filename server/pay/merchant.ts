import { ChinaumsError } from '../chinaums/errors.ts'
import type { PayDeps } from './deps.ts'
import { PayInputError } from './errors.ts'
import type { Order } from './model.ts'
import { PENDING_STATUSES } from './status.ts'

/** The merchant's other actions on an order: 订单关闭, 担保撤销, 担保完成. */
export class OrderActions {
  constructor(private readonly d: PayDeps) {}

  async close(merOrderId: string): Promise<Order> {
    const { records, client } = this.d
    const order = records.orders.get(merOrderId)
    if (!order) throw new ChinaumsError('close', 'NO_ORDER', '订单不存在', 'rejected')
    if (!PENDING_STATUSES.has(order.status)) throw new ChinaumsError('close', 'OPERATION_NOT_ALLOWED', `订单状态为 ${order.status}，不能关闭`, 'rejected')
    try {
      await client.close(merOrderId, order.instMid)
    } catch (err) {
      // The buyer never opened the cashier, so 银商 has no such order yet. Closing it only here is not
      // safe (the signed URL still works until expireTime); reconciliation closes it after that.
      if (err instanceof ChinaumsError && err.errCode === 'NO_ORDER' && order.kind === 'h5') {
        throw new ChinaumsError('close', 'NO_ORDER', '买家尚未打开收银台，银商还没有这笔订单；订单过期（30 分钟）后会自动关闭', 'rejected')
      }
      throw err
    }
    return records.orders.transition(merOrderId, 'TRADE_CLOSED', 'close').order
  }

  /** 担保撤销: all the money goes back to the buyer; the order is closed. */
  async secureCancel(merOrderId: string): Promise<Order> {
    const { records, client } = this.d
    const order = this.securePaid(merOrderId, 'secure-cancel')
    await client.secureCancel(merOrderId, order.instMid)
    return records.orders.recordSecureCancel(merOrderId)
  }

  /** 担保完成: `completedAmount` is settled to the merchant, the rest goes back to the buyer. */
  async secureComplete(merOrderId: string, completedAmount: number): Promise<{ order: Order; secureStatus: string | null }> {
    const { client, records } = this.d
    const order = this.securePaid(merOrderId, 'secure-complete')
    if (completedAmount > order.amount) throw new PayInputError([`completedAmount 不能超过订单金额 ${order.amount} 分`])
    const r = await client.secureComplete(merOrderId, completedAmount, order.instMid)
    const replied = typeof r.secureStatus === 'string' ? r.secureStatus : null
    const status = replied === 'PARTLY_COMPLETED' || replied === 'ALL_COMPLETED' ? replied : completedAmount === order.amount ? 'ALL_COMPLETED' : 'PARTLY_COMPLETED'
    return { order: records.orders.recordSecureComplete(merOrderId, status, completedAmount), secureStatus: replied }
  }

  private securePaid(merOrderId: string, api: string): Order {
    const order = this.d.records.orders.get(merOrderId)
    if (!order) throw new ChinaumsError(api, 'NO_ORDER', '订单不存在', 'rejected')
    if (!order.secure) throw new ChinaumsError(api, 'OPERATION_NOT_ALLOWED', '不是担保交易', 'rejected')
    if (order.status !== 'TRADE_SUCCESS') throw new ChinaumsError(api, 'OPERATION_NOT_ALLOWED', `订单状态为 ${order.status}`, 'rejected')
    if (order.secureStatus !== null) throw new ChinaumsError(api, 'OPERATION_NOT_ALLOWED', `担保交易已${order.secureStatus === 'CANCELED' ? '撤销' : '完成'}`, 'rejected')
    return order
  }
}
