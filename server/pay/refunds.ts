import { ChinaumsError } from '../chinaums/errors.ts'
import { newMerOrderId } from '../chinaums/ids.ts'
import type { PayDeps } from './deps.ts'
import { PayInputError } from './errors.ts'
import type { Refund, RefundDivision } from './model.ts'
import { refundDivisionProblems, refundIdProblems } from './refund-policy.ts'

/** Giving money back: the merchant's refund (reserve under the policy, then ask 银商). */
export class RefundService {
  constructor(private readonly d: PayDeps) {}

  /**
   * Refunds part or all of a paid order. Idempotent by refundOrderId: repeating a request
   * re-asks 银商 with the same id (it answers the existing refund) and never refunds twice here.
   */
  async refund(
    merOrderId: string,
    amount: number,
    refundOrderId?: string,
    description?: string,
    division?: RefundDivision,
  ): Promise<Refund> {
    const { records, client, config, clock } = this.d
    const idProblems = refundIdProblems(refundOrderId, config.chinaums.sourceId)
    if (idProblems.length) throw new PayInputError(idProblems)
    const before = await records.orders.get(merOrderId)
    if (before) {
      const problems = refundDivisionProblems(before, amount, division)
      if (problems.length) throw new PayInputError(problems)
    }
    const id = refundOrderId ?? newMerOrderId(config.chinaums.sourceId, clock())
    const { refund } = await records.refunds.reserve(merOrderId, id, amount, description, division)
    if (refund.status !== 'PENDING') return refund
    const order = await records.orders.mustGet(merOrderId)
    const split = refund.division
    try {
      const r = await client.refund(
        {
          merOrderId,
          refundOrderId: id,
          refundAmount: refund.amount,
          ...(refund.description ? { refundDesc: refund.description } : {}),
          ...(split ? { platformAmount: split.platformAmount, subOrders: split.subOrders } : {}),
        },
        order.instMid,
      )
      const rs = typeof r.refundStatus === 'string' ? r.refundStatus : 'SUCCESS'
      if (rs === 'SUCCESS') return records.refunds.settle(id, 'SUCCESS', 'refund')
      if (rs === 'FAIL' || rs === 'FAILED') return records.refunds.settle(id, 'FAILED', 'refund', 'TARGET_FAIL')
      return (await records.refunds.get(id)) as Refund // PROCESSING / UNKNOWN: stays PENDING, reconciled by refund-query
    } catch (err) {
      if (err instanceof ChinaumsError && !err.indeterminate)
        await records.refunds.settle(id, 'FAILED', 'refund', err.errCode)
      throw err
    }
  }
}
