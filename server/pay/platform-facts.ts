import type { PaymentFacts } from './model.ts'
import { isOrderStatus, type OrderStatus } from './status.ts'

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)

/** What a notify or a query answer tells about the payment (bounded to the columns' sizes). */
export function factsOf(p: Record<string, unknown>): PaymentFacts {
  const f: PaymentFacts = {}
  const t = str(p.targetOrderId)
  const s = str(p.targetSys)
  const pt = str(p.payTime)
  if (t) f.targetOrderId = t.slice(0, 64)
  if (s) f.targetSys = s.slice(0, 32)
  if (pt) f.payTime = pt.slice(0, 19)
  return f
}

/** Maps a notified/queried status to a move; UNKNOWN and anything unexpected → no move. */
export function notifiedStatus(status: unknown): OrderStatus | null {
  if (!isOrderStatus(status)) return null
  if (status === 'UNKNOWN' || status === 'NEW_ORDER') return null
  return status
}
