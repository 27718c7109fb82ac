import { DomainError } from '../errors.ts'
import type { Problem } from './rules.ts'

/** The fields of a void (31) or refund (04) request that name what it reverses. */
export interface ReversalRequest {
  orderId: string
  txnTime: string
  txnAmt: number
  origQryId: string
  backUrl: string
}

/** What a consume and its reversal look like to this module: the 全渠道 and 无跳转 orders both are. */
interface ReversibleOrder {
  orderId: string
  txnTime: string
  amount: number
  queryId: string | null
  status: string
  respCode: string | null
  respMsg: string | null
}

/** A feature's records and gateway, as a void or refund of one of its consumes needs them. */
export interface ReverseTarget<O extends ReversibleOrder> {
  atomic<T>(fn: () => Promise<T>): Promise<T>
  /** Inside `atomic`: the consume, its row locked until the transaction ends. */
  lock(orderId: string): Promise<O | null>
  get(orderId: string): Promise<O | null>
  /** Inside `atomic`: records the reversal as PENDING, its first status query due at `nextCheckAt`. */
  insert(r: {
    orderId: string
    kind: 'void' | 'refund'
    txnTime: string
    amount: number
    consume: O
    nextCheckAt: number
  }): Promise<O>
  /** Sends it and applies a final answer; an unknown outcome leaves it PENDING for the status queries. */
  send(kind: 'void' | 'refund', request: ReversalRequest, reversal: O): Promise<void>
  newOrderId(): Promise<string>
  txnTime(): string
  now(): number
  /** When the first status query of an order is due after it was sent. */
  firstQueryAfterMs: number
  backUrl: string
}

/**
 * A void or refund: the consume's row is locked while `decide` checks it against the reversals
 * already pending and the new one is recorded, so two merchants (or instances) at once never
 * reverse more than was paid. Then the gateway call, outside the transaction. A refusal is an
 * `upstream` error naming the gateway's answer; an unknown outcome returns the PENDING reversal.
 */
export async function reverseConsume<O extends ReversibleOrder>(
  t: ReverseTarget<O>,
  consumeId: string,
  kind: 'void' | 'refund',
  decide: (consume: O) => Promise<{ problem: Problem } | { amount: number }>,
): Promise<O> {
  const orderId = await t.newOrderId()
  const txnTime = t.txnTime()
  const { consume, reversal } = await t.atomic(async () => {
    const consume = await t.lock(consumeId)
    if (!consume) throw new DomainError('not_found', 'NO_ORDER', '订单不存在')
    const d = await decide(consume)
    if ('problem' in d) throw new DomainError('conflict', d.problem.code, d.problem.message)
    const reversal = await t.insert({
      orderId,
      kind,
      txnTime,
      amount: d.amount,
      consume,
      nextCheckAt: t.now() + t.firstQueryAfterMs,
    })
    return { consume, reversal }
  })
  await t.send(
    kind,
    {
      orderId: reversal.orderId,
      txnTime: reversal.txnTime,
      txnAmt: reversal.amount,
      origQryId: consume.queryId as string,
      backUrl: t.backUrl,
    },
    reversal,
  )
  const after = (await t.get(reversal.orderId)) as O
  if (after.status === 'FAILED')
    throw new DomainError(
      'upstream',
      `ACP_${after.respCode ?? 'REFUSED'}`,
      `全渠道拒绝了${kind === 'void' ? '撤销' : '退货'}：${after.respMsg ?? ''}`,
      { orderId: after.orderId },
    )
  return after
}
