import type { AcpOrder, AcpRepo } from '../repo.ts'
import { ACP_TXN_TYPE, type AcpService } from '../service.ts'
import type { LocalTxn } from './compare.ts'
import type { LocalSource } from './source.ts'

const toLocal = (o: AcpOrder): LocalTxn => ({
  source: 'acp',
  orderId: o.orderId,
  txnType: ACP_TXN_TYPE[o.kind],
  txnTime: o.txnTime,
  amount: o.amount,
  status: o.status,
  queryId: o.queryId,
  buyerPaysLater: o.kind === 'tn',
})

/** The 全渠道 orders of server/acp: tn consumes, contract charges, voids, refunds. */
export function acpSource(repo: AcpRepo, service: AcpService): LocalSource {
  return {
    name: 'acp',
    candidates: (from, to, laterFrom) => repo.sentBetween(from, to, laterFrom).map(toLocal),
    byOrderId: (orderId) => {
      const o = repo.get(orderId)
      return o ? toLocal(o) : null
    },
    settle: (orderId, listed) => void service.settleByFile(orderId, listed),
  }
}
