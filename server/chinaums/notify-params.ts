/**
 * What a 银商 支付结果通知 (seed 1.9) or return page (seed 1.8) says, read from either shape:
 *
 * - flat: `merOrderId=...&status=...&totalAmount=...&notifyId=...` (the field tables);
 * - bills: `billPayment={json}&billNo=...&billStatus=...` (the seeds' own examples, 1.8.5 / 1.9.5).
 *
 * The sign is verified over the fields exactly as received (billPayment as its JSON text) before
 * anything here is trusted; this only reads.
 */

export interface NotifyFields {
  shape: 'flat' | 'bills'
  /** Our order id candidates, most likely first (bills: billNo, then billPayment.merOrderId). */
  orderIds: string[]
  mid: string | undefined
  /** Seed 2.2 status (bills: billPayment.status, else from billStatus). */
  status: string | undefined
  /** 分, as text; undefined when the notify does not carry it. */
  totalAmount: string | undefined
  notifyId: string | undefined
  seqId: string | undefined
  refundOrderId: string | undefined
  refundAmount: string | undefined
  secureStatus: string | undefined
  completeAmount: string | undefined
  /** Every field, flattened (billPayment's own fields under their names), for facts such as targetSys. */
  all: Record<string, string>
}

/** bills billStatus → seed 2.2 status, when billPayment carries none. */
const BILL_STATUS: Readonly<Record<string, string>> = {
  PAID: 'TRADE_SUCCESS',
  UNPAID: 'WAIT_BUYER_PAY',
  REFUND: 'TRADE_REFUND',
  CLOSED: 'TRADE_CLOSED',
  UNKNOWN: 'UNKNOWN',
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v === ''
      ? undefined
      : v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined

/** Reads a verified notify / return query. null when `billPayment` is present but not a JSON object. */
export function readNotifyFields(params: Record<string, string>): NotifyFields | null {
  const raw = params.billPayment
  if (raw === undefined || raw === '') {
    const g = (k: string) => text(params[k])
    const id = g('merOrderId')
    return {
      shape: 'flat',
      orderIds: id ? [id] : [],
      mid: g('mid'),
      status: g('status'),
      totalAmount: g('totalAmount'),
      notifyId: g('notifyId'),
      seqId: g('seqId'),
      refundOrderId: g('refundOrderId'),
      refundAmount: g('refundAmount'),
      secureStatus: g('secureStatus'),
      completeAmount: g('completeAmount') ?? g('completedAmount'),
      all: { ...params },
    }
  }
  let bp: unknown
  try {
    bp = JSON.parse(raw)
  } catch {
    return null
  }
  if (!bp || typeof bp !== 'object' || Array.isArray(bp)) return null
  const inner: Record<string, string> = {}
  for (const [k, v] of Object.entries(bp as Record<string, unknown>)) {
    const t = text(v)
    if (t !== undefined) inner[k] = t
  }
  const outer = Object.fromEntries(Object.entries(params).filter(([k, v]) => k !== 'billPayment' && v !== ''))
  const g = (k: string) => inner[k] ?? text(outer[k])
  const billStatus = text(outer.billStatus)
  const ids = [text(outer.billNo), inner.merOrderId, text(outer.merOrderId)].filter((x): x is string => x !== undefined)
  return {
    shape: 'bills',
    orderIds: [...new Set(ids)],
    mid: text(outer.mid),
    status: inner.status ?? (billStatus ? BILL_STATUS[billStatus] : undefined),
    totalAmount: g('totalAmount'),
    notifyId: g('notifyId'),
    seqId: g('seqId') ?? g('paySeqId'),
    refundOrderId: g('refundOrderId'),
    refundAmount: g('refundAmount'),
    secureStatus: g('secureStatus'),
    completeAmount: g('completeAmount') ?? g('completedAmount'),
    all: { ...outer, ...inner },
  }
}
