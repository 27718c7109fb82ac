import type { Db } from '../store/kysely-db.ts'
import { CheckQueue } from './check-queue.ts'
import { NotifyLog } from './notify-log.ts'
import { OrderStore } from './orders.ts'
import { RefundStore } from './refund-store.ts'

/** The payment records, one store per job, sharing one database (their writes nest as one transaction). */
export interface PayRecords {
  orders: OrderStore
  refunds: RefundStore
  notifies: NotifyLog
  checks: CheckQueue
}

export function openPayRecords(db: Db, clock: () => number): PayRecords {
  const orders = new OrderStore(db, clock)
  return {
    orders,
    refunds: new RefundStore(db, orders, clock),
    notifies: new NotifyLog(db, orders, clock),
    checks: new CheckQueue(db, clock),
  }
}
