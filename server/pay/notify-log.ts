import type { Db } from '../store/db.ts'
import type { PaymentFacts } from './model.ts'
import type { OrderStore } from './orders.ts'
import { canMove, type OrderStatus } from './status.ts'

export type NotifyApplied = 'applied' | 'unchanged' | 'duplicate' | 'stale' | 'no_order'

/** Each 银商 notifyId, applied once: the notifyId row and the order's move commit together. */
export class NotifyLog {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderStore,
    private readonly clock: () => number,
  ) {}

  /**
   * Applies a verified notify once: records `notifyId` and the status change together. A
   * notifyId seen before → 'duplicate'; an illegal move (a stale notify) → 'stale', recorded
   * so it is not re-examined.
   */
  apply(notifyId: string, merOrderId: string, to: OrderStatus | null, facts: PaymentFacts): NotifyApplied {
    return this.orders.atomic(() => {
      const o = this.orders.get(merOrderId)
      if (!o) return 'no_order'
      const ins = this.db
        .prepare(
          'INSERT OR IGNORE INTO pay_notifies (notify_id, mer_order_id, status, outcome, received_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(notifyId, merOrderId, to, 'pending', this.clock())
      if (ins.changes === 0) return 'duplicate'
      let outcome: 'applied' | 'unchanged' | 'stale' = 'unchanged'
      if (to && o.status !== to) {
        if (canMove(o.status, to)) {
          this.orders.moveIn(o, to, 'notify', `notifyId=${notifyId}`, facts)
          outcome = 'applied'
        } else outcome = 'stale'
      }
      this.orders.markNotified(merOrderId)
      this.db.prepare('UPDATE pay_notifies SET outcome = ? WHERE notify_id = ?').run(outcome, notifyId)
      return outcome
    })
  }
}
