import { within, type Db } from '../store/kysely-db.ts'
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
   * so it is not re-examined. The insert decides between concurrent deliveries (on any
   * instance: the second waits for the first's commit and then finds the key taken), and the
   * order row is locked before it is moved.
   */
  apply(notifyId: string, merOrderId: string, to: OrderStatus | null, facts: PaymentFacts): Promise<NotifyApplied> {
    return this.orders.atomic(async () => {
      const o = await this.orders.lock(merOrderId)
      if (!o) return 'no_order'
      const ins = await within(this.db)
        .insertInto('pay_notifies')
        .values({
          notify_id: notifyId,
          mer_order_id: merOrderId,
          status: to,
          outcome: 'pending',
          received_at: this.clock(),
        })
        .onConflict((oc) => oc.column('notify_id').doNothing())
        .executeTakeFirst()
      if (Number(ins.numInsertedOrUpdatedRows ?? 0n) === 0) return 'duplicate'
      let outcome: 'applied' | 'unchanged' | 'stale' = 'unchanged'
      if (to && o.status !== to) {
        if (canMove(o.status, to)) {
          await this.orders.moveIn(o, to, 'notify', `notifyId=${notifyId}`, facts)
          outcome = 'applied'
        } else outcome = 'stale'
      }
      await this.orders.markNotified(merOrderId)
      await within(this.db).updateTable('pay_notifies').set({ outcome }).where('notify_id', '=', notifyId).execute()
      return outcome
    })
  }
}
