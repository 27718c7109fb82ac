import type { PreauthOrder, PreauthRepo } from '../preauth/repo.ts'
import type { PreauthService } from '../preauth/service.ts'
import type { LocalTxn } from './compare.ts'
import type { LocalSource } from './source.ts'

/** Holds (02) and their voids (32) move no money: only completions (03) and their voids (33) are cleared. */
const CLEARED: Partial<Record<PreauthOrder['kind'], string>> = { completion: '03', completion_void: '33' }

function toLocal(o: PreauthOrder): LocalTxn | null {
  const txnType = CLEARED[o.kind]
  if (!txnType) return null
  return {
    source: 'preauth',
    orderId: o.orderId,
    txnType,
    txnTime: o.txnTime,
    amount: o.amount,
    status: o.status,
    queryId: o.queryId,
    buyerPaysLater: false,
  }
}

/** Pre-authorisation completions of server/acp/preauth. */
export function preauthSource(repo: PreauthRepo, service: PreauthService): LocalSource {
  return {
    name: 'preauth',
    candidates: async (from, to) => (await repo.sentBetween(from, to)).flatMap((o) => toLocal(o) ?? []),
    byOrderId: async (orderId) => {
      const o = await repo.get(orderId)
      return o ? toLocal(o) : null
    },
    settle: (orderId, listed) => service.settleByFile(orderId, listed),
  }
}
