import type { NojumpOrder, NojumpRepo } from '../nojump/repo.ts'
import type { NojumpService } from '../nojump/service.ts'
import type { LocalStatus, LocalTxn } from './compare.ts'
import type { LocalSource } from './source.ts'

const TXN_TYPE: Partial<Record<NojumpOrder['kind'], string>> = { consume: '01', void: '31', refund: '04' }

/** A reversed consume (99) was never taken: for the file it is as if it failed. */
const status = (o: NojumpOrder): LocalStatus => (o.status === 'REVERSED' || o.status === 'DRAFT' ? 'FAILED' : o.status)

function toLocal(o: NojumpOrder): LocalTxn | null {
  const txnType = TXN_TYPE[o.kind]
  if (!txnType) return null
  return {
    source: 'nojump',
    orderId: o.orderId,
    txnType,
    txnTime: o.txnTime,
    amount: o.amount,
    status: status(o),
    queryId: o.queryId,
    buyerPaysLater: false,
  }
}

/** Token payments of server/acp/nojump: consumes by token, their voids and refunds. */
export function nojumpSource(repo: NojumpRepo, service: NojumpService): LocalSource {
  return {
    name: 'nojump',
    candidates: async (from, to) => (await repo.sentBetween(from, to)).flatMap((o) => toLocal(o) ?? []),
    byOrderId: async (orderId) => {
      const o = await repo.order(orderId)
      return o ? toLocal(o) : null
    },
    settle: (orderId, listed) => service.settleByFile(orderId, listed),
  }
}
