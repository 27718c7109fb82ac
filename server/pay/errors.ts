import { DomainError } from '../errors.ts'
import type { OrderStatus } from './status.ts'

/** The request breaks the payment rules (400 INVALID_INPUT naming each problem). */
export class PayInputError extends DomainError {
  constructor(readonly problems: string[]) {
    super('invalid', 'INVALID_INPUT', `请求参数不合法：${problems.join('；')}`, { problems })
    this.name = 'PayInputError'
  }
}

export class IllegalTransitionError extends DomainError {
  constructor(
    readonly merOrderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super('conflict', 'ILLEGAL_TRANSITION', `订单状态 ${from} 不能变为 ${to}`)
    this.name = 'IllegalTransitionError'
  }
}

export type RefundRefusal =
  'NO_ORDER' | 'NOT_PAID' | 'SECURE_UNCOMPLETED' | 'EXCEEDS_AMOUNT' | 'EXCEEDS_SHARE' | 'REFUND_ID_CONFLICT'

/** A refund the money rules refuse (409, or 404 for NO_ORDER). */
export class RefundRefusedError extends DomainError {
  constructor(
    override readonly code: RefundRefusal,
    message: string,
  ) {
    super(code === 'NO_ORDER' ? 'not_found' : 'conflict', code, message)
    this.name = 'RefundRefusedError'
  }
}

/** Too many unpaid orders from one client (429). */
export class PayLimitError extends DomainError {
  constructor(message: string) {
    super('too_many', 'TOO_MANY_UNPAID_ORDERS', message)
    this.name = 'PayLimitError'
  }
}
