import type { OrderStatus } from './status.ts'

/** The request is malformed for the payment rules (a 400 naming each problem). */
export class PayInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('；'))
    this.name = 'PayInputError'
  }
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly merOrderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`order ${merOrderId}: ${from} → ${to} is not allowed`)
    this.name = 'IllegalTransitionError'
  }
}

export type RefundRefusal = 'NO_ORDER' | 'NOT_PAID' | 'SECURE_UNCOMPLETED' | 'EXCEEDS_AMOUNT' | 'EXCEEDS_SHARE' | 'REFUND_ID_CONFLICT'

/** A refund the money rules refuse (a 409, or 404 for NO_ORDER). */
export class RefundRefusedError extends Error {
  constructor(
    readonly code: RefundRefusal,
    message: string,
  ) {
    super(message)
    this.name = 'RefundRefusedError'
  }
}

/** Too many unpaid orders from one client (a 429). */
export class PayLimitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PayLimitError'
  }
}
