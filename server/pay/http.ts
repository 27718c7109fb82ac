import type { OrderView, RefundView } from '../../common/api.ts'
import { ChinaumsError } from '../chinaums/errors.ts'
import { AppError } from '../http/errors.ts'
import type { Order, Refund } from './model.ts'

/**
 * Turns the 银商 platform error into the API's AppError (the payment rules throw DomainError,
 * mapped by the one error handler); anything else is returned as is. An outcome 银商 left unknown
 * is a 504 that says not to pay or refund again.
 */
export function toAppError(err: unknown): unknown {
  if (err instanceof ChinaumsError) {
    if (err.indeterminate) {
      return new AppError(
        504,
        `CHINAUMS_${err.errCode}`,
        `银商处理结果不明确（${err.errCode}：${err.meaning}），请稍后查看订单状态，请勿重复付款或退款`,
        {
          api: err.api,
          errCode: err.errCode,
        },
      )
    }
    const status =
      err.errCode === 'NO_ORDER'
        ? 404
        : ['OPERATION_NOT_ALLOWED', 'HAS_CANCELLED', 'ORDER_PROCESSING'].includes(err.errCode)
          ? 409
          : 502
    return new AppError(
      status,
      `CHINAUMS_${err.errCode}`,
      `银商拒绝了请求（${err.errCode}：${err.errMsg || err.meaning}）`,
      {
        api: err.api,
        errCode: err.errCode,
      },
    )
  }
  return err
}

/** What the order's owner and the merchant may see. */
export function publicOrder(o: Order): OrderView {
  return {
    merOrderId: o.merOrderId,
    kind: o.kind,
    channel: o.channel,
    amount: o.amount,
    refundedAmount: o.refundedAmount,
    status: o.status,
    description: o.description,
    payTime: o.payTime,
    ...(o.secure
      ? {
          secureStatus: o.secureStatus,
          completedAmount: o.completedAmount,
          securePending: o.securePending?.action ?? null,
        }
      : {}),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  }
}

export function publicRefund(r: Refund): RefundView {
  return {
    refundOrderId: r.refundOrderId,
    merOrderId: r.merOrderId,
    amount: r.amount,
    status: r.status,
    errCode: r.errCode,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}
