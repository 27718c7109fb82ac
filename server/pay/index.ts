import { Checkout } from './checkout.ts'
import type { PayDeps } from './deps.ts'
import { OrderActions } from './merchant.ts'
import { NotifyHandler } from './notify.ts'
import { OrderChecker, Reconciler } from './reconcile.ts'
import type { PayRecords } from './records.ts'
import { RefundService } from './refunds.ts'
import type { TnProvider } from './tn.ts'

/** The payment feature, one object per job. */
export interface PayModule {
  records: PayRecords
  checkout: Checkout
  notifies: NotifyHandler
  refunds: RefundService
  actions: OrderActions
  checker: OrderChecker
  reconciler: Reconciler
}

export function createPay(deps: PayDeps, tn: TnProvider | null): PayModule {
  const checker = new OrderChecker(deps)
  return {
    records: deps.records,
    checkout: new Checkout(deps, tn),
    notifies: new NotifyHandler(deps),
    refunds: new RefundService(deps),
    actions: new OrderActions(deps),
    checker,
    reconciler: new Reconciler({ checker, checks: deps.records.checks, clock: deps.clock, log: deps.log }),
  }
}
