import type { OrderView, RefundView } from '../../common/api.ts'
import { ChinaumsError } from '../chinaums/errors.ts'
import { AppError } from '../http/errors.ts'
import { IllegalTransitionError, RefundRefusedError, type Order, type Refund } from './orders.ts'
import { PayInputError } from './service.ts'

/** Turns payment-domain errors into the API's AppError; anything else is rethrown. */
export function toAppError(err: unknown): unknown {
  if (err instanceof PayInputError) return new AppError(400, 'INVALID_INPUT', `请求参数不合法：${err.message}`, { problems: err.problems })
  if (err instanceof RefundRefusedError) return new AppError(err.code === 'NO_ORDER' ? 404 : 409, err.code, err.message)
  if (err instanceof IllegalTransitionError) return new AppError(409, 'ILLEGAL_TRANSITION', `订单状态 ${err.from} 不能变为 ${err.to}`)
  if (err instanceof ChinaumsError) {
    if (err.indeterminate) {
      return new AppError(504, `CHINAUMS_${err.errCode}`, `银商处理结果不明确（${err.errCode}：${err.meaning}），请稍后查看订单状态，请勿重复付款或退款`, {
        api: err.api,
        errCode: err.errCode,
      })
    }
    const status = err.errCode === 'NO_ORDER' ? 404 : err.errCode === 'OPERATION_NOT_ALLOWED' ? 409 : 502
    return new AppError(status, `CHINAUMS_${err.errCode}`, `银商拒绝了请求（${err.errCode}：${err.errMsg || err.meaning}）`, {
      api: err.api,
      errCode: err.errCode,
    })
  }
  return err
}

/** What anyone holding the merOrderId may see. */
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
    ...(o.secure ? { secureStatus: o.secureStatus, completedAmount: o.completedAmount } : {}),
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
