import { randomInt } from 'node:crypto'
import type { OrderSplit, RefundSplit } from './division.ts'

export type SandboxStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_REFUND' | 'TRADE_CLOSED'
export type SecureStatus = 'UNCOMPLETED' | 'PARTLY_COMPLETED' | 'ALL_COMPLETED' | 'CANCELED'

export interface SandboxRefund extends RefundSplit {
  refundOrderId: string
  amount: number
  seqId: string
  targetOrderId: string
  at: number
}

export interface SandboxOrder {
  merOrderId: string
  channel: 'uac' | 'qmf' | 'alipay' | 'tn'
  mid: string
  tid: string
  instMid: string
  totalAmount: number
  notifyUrl: string | undefined
  returnUrl: string | undefined
  /** The signed content as received, to tell a reload of the same URL from a DUP_ORDER. */
  content: string
  expireAt: number | undefined
  status: SandboxStatus
  secure: boolean
  secureStatus: SecureStatus | undefined
  completedAmount: number
  division: OrderSplit | undefined
  seqId: string
  targetOrderId: string | undefined
  targetSys: string
  payTime: string | undefined
  refunds: Map<string, SandboxRefund>
  refundedAmount: number
  tn: string | undefined
  createdAt: number
}

export type Fault = { errCode: string; errMsg: string } | { drop: true }

const TARGET_SYS: Record<SandboxOrder['channel'], string> = {
  uac: 'UnionPay',
  qmf: 'QMF',
  alipay: 'Alipay 2.0',
  tn: 'ACP',
}

export function digits(n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += String(randomInt(10))
  return s
}

/** Everything the simulated 银商 gateway remembers; in memory, reset with the process. */
export class ChinaumsSandboxState {
  readonly orders = new Map<string, SandboxOrder>()
  readonly byTn = new Map<string, string>()
  readonly byRefundId = new Map<string, string>()
  /** Scripted failures per API (`query`, `refund`, ..., `notify`), consumed in order. */
  readonly faults = new Map<string, Fault[]>()
  /** Every notify attempt: for tests and the demo. */
  readonly notifyLog: Array<{ merOrderId: string; notifyId: string; attempt: number; answer: string; at: number }> = []
  /** Sign type used for notifies and return pages. */
  signType: 'MD5' | 'SHA256' = 'MD5'

  constructor(readonly clock: () => number) {}

  newOrder(
    o: Omit<
      SandboxOrder,
      | 'status'
      | 'secureStatus'
      | 'completedAmount'
      | 'seqId'
      | 'targetOrderId'
      | 'targetSys'
      | 'payTime'
      | 'refunds'
      | 'refundedAmount'
      | 'createdAt'
    >,
  ): SandboxOrder {
    const order: SandboxOrder = {
      ...o,
      status: 'WAIT_BUYER_PAY',
      secureStatus: undefined,
      completedAmount: 0,
      seqId: `${digits(11)}N`,
      targetOrderId: undefined,
      targetSys: TARGET_SYS[o.channel],
      payTime: undefined,
      refunds: new Map(),
      refundedAmount: 0,
      createdAt: this.clock(),
    }
    this.orders.set(order.merOrderId, order)
    if (order.tn) this.byTn.set(order.tn, order.merOrderId)
    return order
  }

  takeFault(api: string): Fault | undefined {
    const list = this.faults.get(api)
    const f = list?.shift()
    if (list && list.length === 0) this.faults.delete(api)
    return f
  }
}
