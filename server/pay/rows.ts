import type { Order, OrderDivision, Refund, RefundDivision, SecureStatus } from './model.ts'
import { isOrderStatus } from './status.ts'

export type Row = Record<string, unknown>

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

export function toOrder(r: Row): Order {
  const status = r.status
  if (!isOrderStatus(status)) throw new Error(`corrupt order status ${String(status)}`)
  return {
    merOrderId: String(r.mer_order_id),
    kind: r.kind === 'tn' ? 'tn' : 'h5',
    channel: String(r.channel),
    instMid: String(r.inst_mid),
    amount: Number(r.amount),
    refundedAmount: Number(r.refunded_amount),
    status,
    secure: r.secure === 1,
    secureStatus:
      r.secure_status === null || r.secure_status === undefined ? null : (String(r.secure_status) as SecureStatus),
    completedAmount: num(r.completed_amount),
    description: str(r.description),
    division: r.division_json ? (JSON.parse(String(r.division_json)) as OrderDivision) : null,
    tn: str(r.tn),
    targetOrderId: str(r.target_order_id),
    targetSys: str(r.target_sys),
    payTime: str(r.pay_time),
    expiresAt: num(r.expires_at),
    notifiedAt: num(r.notified_at),
    nextCheckAt: num(r.next_check_at),
    checkCount: Number(r.check_count),
    ownerOpenId: str(r.owner_open_id),
    ownerBrowser: str(r.owner_browser),
    clientKey: str(r.client_key),
    seenAt: num(r.seen_at),
    securePending:
      r.secure_pending === 'cancel' || r.secure_pending === 'complete'
        ? { action: r.secure_pending, amount: num(r.secure_pending_amount) }
        : null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

export function toRefund(r: Row): Refund {
  return {
    refundOrderId: String(r.refund_order_id),
    merOrderId: String(r.mer_order_id),
    amount: Number(r.amount),
    status: r.status as Refund['status'],
    description: str(r.description),
    errCode: str(r.err_code),
    division: r.division_json ? (JSON.parse(String(r.division_json)) as RefundDivision) : null,
    checkCount: Number(r.check_count ?? 0),
    nextCheckAt: num(r.next_check_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}
