import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { ChinaumsClient, ChinaumsReply } from '../chinaums/client.ts'
import { ChinaumsError } from '../chinaums/errors.ts'
import { divisionProblems, h5PayUrl, type Good, type H5Channel, type H5OrderContent } from '../chinaums/h5.ts'
import { MER_ORDER_ID_RE, newMerOrderId } from '../chinaums/ids.ts'
import { verifyNotifySign } from '../chinaums/sign.ts'
import { requestTimestamp } from '../chinaums/time.ts'
import { IllegalTransitionError, type Order, type OrderDivision, type OrderStore, type PaymentFacts, type Refund, type RefundDivision } from './orders.ts'
import { nextCheckGap, FIRST_CHECK_AFTER_MS } from './schedule.ts'
import { isOrderStatus, PENDING_STATUSES, type OrderStatus } from './status.ts'
import type { TnProvider } from './tn.ts'

/** H5 orders expire after this long (sent as `expireTime`); a NO_ORDER after it means never paid. */
export const ORDER_TTL_MS = 30 * 60_000
/** Grace after expiry before a NO_ORDER query result closes the order. */
const NO_ORDER_GRACE_MS = 5 * 60_000

export interface CreateH5Input {
  amount: number
  channel: H5Channel
  goods?: Good[]
  orderDesc?: string
  secureTransaction?: boolean
  divisionFlag?: boolean
  platformAmount?: number
  subOrders?: Array<{ mid: string; totalAmount: number }>
}

export class PayInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('；'))
    this.name = 'PayInputError'
  }
}

export interface PayServiceDeps {
  config: Config
  store: OrderStore
  client: ChinaumsClient
  tn: TnProvider | null
  clock: () => number
  log: FastifyBaseLogger
}

export type NotifyAnswer = 'SUCCESS' | 'FAILED'

/** What the notify handler learnt, for logs and tests. */
export type NotifyOutcome = 'bad_sign' | 'bad_params' | 'no_order' | 'mismatch' | 'applied' | 'unchanged' | 'duplicate' | 'stale'

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)

function factsOf(p: Record<string, unknown>): PaymentFacts {
  const f: PaymentFacts = {}
  const t = str(p.targetOrderId)
  const s = str(p.targetSys)
  const pt = str(p.payTime)
  if (t) f.targetOrderId = t.slice(0, 64)
  if (s) f.targetSys = s.slice(0, 32)
  if (pt) f.payTime = pt.slice(0, 19)
  return f
}

/** Payment use cases: H5 orders, tn orders, the notify, the return page, reconciliation, refunds. */
export class PayService {
  constructor(private readonly d: PayServiceDeps) {}

  get store(): OrderStore {
    return this.d.store
  }

  get hasTnProvider(): boolean {
    return this.d.tn !== null
  }

  private get notifyUrl(): string {
    return `${this.d.config.publicBaseUrl}/notify/chinaums`
  }

  private get returnUrl(): string {
    return `${this.d.config.publicBaseUrl}/pay/return`
  }

  private newId(): string {
    // 7 random digits plus a millisecond clock make a clash unlikely; the PRIMARY KEY makes it impossible.
    for (;;) {
      const id = newMerOrderId(this.d.config.chinaums.sourceId, this.d.clock())
      if (!this.d.store.get(id)) return id
    }
  }

  createH5Order(input: CreateH5Input): { merOrderId: string; redirectUrl: string; order: Order } {
    const { config, clock } = this.d
    if (input.divisionFlag) {
      // Seed 1.1 divisionFlag: "暂时只支持微信、支付宝支付和银联云闪付".
      if (input.channel === 'qmf') throw new PayInputError(['银联在线无卡（qmf）不支持分账（divisionFlag）'])
      if (input.platformAmount === undefined) throw new PayInputError(['分账时 platformAmount 必传'])
      const problems = divisionProblems(
        input.amount,
        { platformAmount: input.platformAmount, ...(input.subOrders ? { subOrders: input.subOrders } : {}), ...(input.goods ? { goods: input.goods } : {}) },
        input.secureTransaction === true,
      )
      if (problems.length) throw new PayInputError(problems)
    } else if (input.platformAmount !== undefined || input.subOrders !== undefined) {
      throw new PayInputError(['platformAmount / subOrders 只能在 divisionFlag 为 true 时上送'])
    }
    const now = clock()
    const merOrderId = this.newId()
    const content: H5OrderContent = {
      requestTimestamp: requestTimestamp(now),
      merOrderId,
      mid: config.chinaums.mid,
      tid: config.chinaums.tid,
      instMid: 'H5DEFAULT',
      totalAmount: input.amount,
      notifyUrl: this.notifyUrl,
      returnUrl: this.returnUrl,
      expireTime: requestTimestamp(now + ORDER_TTL_MS),
      ...(input.orderDesc ? { orderDesc: input.orderDesc } : {}),
      ...(input.goods ? { goods: input.goods } : {}),
      ...(input.secureTransaction ? { secureTransaction: 'true' as const } : {}),
      ...(input.divisionFlag
        ? { divisionFlag: true as const, platformAmount: input.platformAmount ?? 0, ...(input.subOrders ? { subOrders: input.subOrders } : {}) }
        : {}),
    }
    const order = this.d.store.create({
      merOrderId,
      kind: 'h5',
      channel: input.channel,
      instMid: content.instMid,
      amount: input.amount,
      secure: input.secureTransaction === true,
      ...(input.orderDesc ? { description: input.orderDesc } : {}),
      ...(input.divisionFlag ? { division: this.orderDivision(input) } : {}),
      expiresAt: now + ORDER_TTL_MS,
      nextCheckAt: now + FIRST_CHECK_AFTER_MS,
    })
    const redirectUrl = h5PayUrl(config.chinaums.baseUrl, input.channel, config.chinaums, content, now)
    return { merOrderId, redirectUrl, order }
  }

  private orderDivision(input: CreateH5Input): OrderDivision {
    const goodsMids = [...new Set((input.goods ?? []).flatMap((g) => (g.subMerchantId ? [g.subMerchantId] : [])))]
    return { platformAmount: input.platformAmount ?? 0, subOrders: input.subOrders ?? null, ...(goodsMids.length ? { goodsMids } : {}) }
  }

  /** Creates a tn order. A definite refusal closes it; an unknown outcome leaves it to reconciliation. */
  async createTnOrder(amount: number, description?: string): Promise<{ orderId: string; tn: string }> {
    const provider = this.d.tn
    if (!provider) throw new ChinaumsError('uac/app-order', 'NO_SERVICE', 'no tn provider configured', 'rejected')
    const now = this.d.clock()
    const merOrderId = this.newId()
    this.d.store.create({
      merOrderId,
      kind: 'tn',
      channel: 'upsdk',
      instMid: provider.instMid,
      amount,
      ...(description ? { description } : {}),
      expiresAt: now + ORDER_TTL_MS,
      nextCheckAt: now + FIRST_CHECK_AFTER_MS,
    })
    if (provider.settlesOrders) this.d.store.scheduleCheck(merOrderId, null, false)
    try {
      const { tn } = await provider.issue({ merOrderId, amount, notifyUrl: this.notifyUrl })
      this.d.store.setTn(merOrderId, tn)
      return { orderId: merOrderId, tn }
    } catch (err) {
      if (err instanceof ChinaumsError && !err.indeterminate) {
        this.d.store.transition(merOrderId, 'TRADE_CLOSED', 'tn', `tn refused: ${err.errCode}`)
      }
      throw err
    }
  }

  /**
   * `POST /notify/chinaums`: verify, then apply once. Answers SUCCESS when the notify is
   * authentic and recorded (also for duplicates and stale ones, so 银商 stops retrying), FAILED
   * when it cannot be trusted or applied.
   */
  handleNotify(params: Record<string, string>): { answer: NotifyAnswer; outcome: NotifyOutcome } {
    const { config, store, log } = this.d
    if (!verifyNotifySign(params, config.chinaums.md5Key)) return { answer: 'FAILED', outcome: 'bad_sign' }
    const merOrderId = params.merOrderId
    if (!merOrderId || !MER_ORDER_ID_RE.test(merOrderId) || (params.mid !== undefined && params.mid !== config.chinaums.mid)) {
      return { answer: 'FAILED', outcome: 'bad_params' }
    }
    const order = store.get(merOrderId)
    if (!order) {
      log.warn({ merOrderId }, 'chinaums notify for an unknown order')
      return { answer: 'FAILED', outcome: 'no_order' }
    }
    const total = params.totalAmount
    if (total !== undefined && total !== '' && Number(total) !== order.amount) {
      log.error({ merOrderId, notified: total, ours: order.amount }, 'chinaums notify amount differs from the order')
      return { answer: 'FAILED', outcome: 'mismatch' }
    }
    const status = params.status
    const notifyId = params.notifyId || `${merOrderId}:${status ?? ''}:${params.seqId ?? ''}:${params.refundOrderId ?? ''}`
    const refundOrderId = params.refundOrderId
    const isRefund = status === 'TRADE_REFUND' || (refundOrderId !== undefined && refundOrderId !== '')
    const to: OrderStatus | null = isRefund ? null : this.notifiedStatus(status)
    const outcome = store.atomic(() => {
      const r = store.applyNotify(notifyId, merOrderId, to, factsOf(params))
      if (r === 'applied' || r === 'unchanged') {
        if (isRefund && refundOrderId) {
          const refund = store.getRefund(refundOrderId)
          if (refund && refund.merOrderId === merOrderId && refund.status === 'PENDING') {
            store.settleRefund(refundOrderId, 'SUCCESS', 'notify')
            return 'applied' as const
          }
          // A refund we never asked for (e.g. made in the 银商 portal): record it, or the money event is lost.
          const refundAmount = Number(params.refundAmount)
          if (!refund && MER_ORDER_ID_RE.test(refundOrderId) && Number.isInteger(refundAmount) && refundAmount > 0) {
            if (store.recordNotifiedRefund(merOrderId, refundOrderId, refundAmount)) return 'applied' as const
            log.error({ merOrderId, refundOrderId, refundAmount }, 'chinaums refund notify could not be recorded (amount or order state)')
          }
        }
      }
      return r
    })
    if (outcome === 'no_order') return { answer: 'FAILED', outcome }
    if (outcome === 'stale') {
      // Paid by the gateway while we hold the order closed: money may be taken, a person must look.
      if (to === 'TRADE_SUCCESS' && order.status === 'TRADE_CLOSED') log.error({ merOrderId, notifyId }, 'chinaums notify: TRADE_SUCCESS for an order closed here — check it by hand')
      else log.info({ merOrderId, status, current: order.status }, 'stale chinaums notify ignored')
    }
    return { answer: 'SUCCESS', outcome }
  }

  /** Maps a notified/queried status to a move; UNKNOWN and anything unexpected → no move. */
  private notifiedStatus(status: string | undefined): OrderStatus | null {
    if (!isOrderStatus(status)) return null
    if (status === 'UNKNOWN' || status === 'NEW_ORDER') return null
    return status
  }

  /**
   * The return page (`returnUrl`): the query is only trusted when its sign verifies, and even
   * then only as a hint of what the buyer did; the order's status always comes from our store.
   */
  verifyReturn(params: Record<string, string>): { merOrderId: string | null; verified: boolean; buyerPaid: boolean } {
    const merOrderId = params.merOrderId && MER_ORDER_ID_RE.test(params.merOrderId) && this.d.store.get(params.merOrderId) ? params.merOrderId : null
    const verified = merOrderId !== null && verifyNotifySign(params, this.d.config.chinaums.md5Key)
    return { merOrderId, verified, buyerPaid: verified && params.status === 'TRADE_SUCCESS' }
  }

  /** One reconciliation query for an order that is still pending. Never concludes failure from an unknown outcome. */
  async reconcile(order: Order): Promise<Order> {
    const { store, client, clock, log } = this.d
    const now = clock()
    if (!PENDING_STATUSES.has(order.status)) {
      store.scheduleCheck(order.merOrderId, null, false)
      return order
    }
    let reply: ChinaumsReply | null = null
    let error: ChinaumsError | null = null
    try {
      reply = await client.query(order.merOrderId, order.instMid)
    } catch (err) {
      if (!(err instanceof ChinaumsError)) throw err
      error = err
    }
    const checks = order.checkCount + 1
    const gap = nextCheckGap(checks)
    const foreign = reply !== null && (
      (reply.merOrderId !== undefined && reply.merOrderId !== order.merOrderId) ||
      (reply.totalAmount !== undefined && Number(reply.totalAmount) !== order.amount)
    )
    if (reply && foreign) {
      // Like a notify whose amount differs: never settle an order from an answer about something else.
      log.error({ merOrderId: order.merOrderId, replied: reply.merOrderId, amount: reply.totalAmount, ours: order.amount }, 'query answer does not match the order')
    } else if (reply) {
      const to = this.notifiedStatus(typeof reply.status === 'string' ? reply.status : undefined)
      const target = to === 'TRADE_REFUND' ? 'TRADE_SUCCESS' : to
      if (target && target !== order.status) {
        try {
          store.transition(order.merOrderId, target, 'query', `check ${checks}`, factsOf(reply))
        } catch (e) {
          if (!(e instanceof IllegalTransitionError)) throw e
          log.warn({ merOrderId: order.merOrderId, from: e.from, to: e.to }, 'query result not applicable')
        }
      }
    } else if (error?.errCode === 'NO_ORDER' && order.expiresAt !== null && now > order.expiresAt + NO_ORDER_GRACE_MS) {
      // The buyer never opened the cashier and the order has expired: it can no longer be paid.
      store.transition(order.merOrderId, 'TRADE_CLOSED', 'query', 'NO_ORDER after expiry')
    } else if (error) {
      log.info({ merOrderId: order.merOrderId, errCode: error.errCode, kind: error.kind }, 'status query without a result')
    }
    const after = store.get(order.merOrderId) as Order
    const stillPending = PENDING_STATUSES.has(after.status)
    store.scheduleCheck(order.merOrderId, stillPending && gap !== null ? now + gap : null, true)
    if (stillPending && gap === null) log.warn({ merOrderId: order.merOrderId }, 'order still pending after the last scheduled query')
    return store.get(order.merOrderId) as Order
  }

  /**
   * Refunds part or all of a paid order. Idempotent by refundOrderId: repeating a request
   * re-asks 银商 with the same id (it answers the existing refund) and never refunds twice here.
   * A divided order needs the split (seed 1.3): `platformAmount` and at most one sub-merchant in
   * `subOrders`, summing to `amount`.
   */
  async refund(merOrderId: string, amount: number, refundOrderId?: string, description?: string, division?: RefundDivision): Promise<Refund> {
    const { store, client, config, clock } = this.d
    // Seed 1.3: refundOrderId follows the merOrderId rule — the 来源编号 first.
    if (refundOrderId !== undefined && !refundOrderId.startsWith(config.chinaums.sourceId)) {
      throw new PayInputError([`refundOrderId 必须以来源编号 ${config.chinaums.sourceId} 开头`])
    }
    const before = store.get(merOrderId)
    if (before) this.checkRefundDivision(before, amount, division)
    const id = refundOrderId ?? newMerOrderId(config.chinaums.sourceId, clock())
    const { refund } = store.reserveRefund(merOrderId, id, amount, description, division)
    if (refund.status !== 'PENDING') return refund
    const order = store.get(merOrderId) as Order
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
      if (rs === 'SUCCESS') return store.settleRefund(id, 'SUCCESS', 'refund')
      if (rs === 'FAIL' || rs === 'FAILED') return store.settleRefund(id, 'FAILED', 'refund', 'TARGET_FAIL')
      return store.getRefund(id) as Refund // PROCESSING / UNKNOWN: stays PENDING, reconciled by refund-query
    } catch (err) {
      if (err instanceof ChinaumsError && !err.indeterminate) store.settleRefund(id, 'FAILED', 'refund', err.errCode)
      throw err
    }
  }

  /** Seed 1.3 for divided orders: the split is required, sums to refundAmount, one sub-merchant at a time, known sub-merchants only. */
  private checkRefundDivision(order: Order, amount: number, division: RefundDivision | undefined): void {
    const od = order.division as OrderDivision | null
    if (!od) {
      if (division) throw new PayInputError(['该订单不是分账订单，退款不能上送 platformAmount / subOrders'])
      return
    }
    if (!division) throw new PayInputError(['分账订单退款必须上送 platformAmount（及退款的子商户 subOrders）'])
    const problems: string[] = []
    if (division.subOrders.length > 1) problems.push('一次只能对一个子商户退款（subOrders 最多 1 个元素）')
    const sum = division.subOrders.reduce((s, x) => s + x.totalAmount, 0) + division.platformAmount
    if (sum !== amount) problems.push(`subOrders 退款金额之和 + platformAmount（${sum}）必须等于退款金额（${amount}）`)
    const known = new Set([...(od.subOrders ?? []).map((x) => x.mid), ...(od.goodsMids ?? [])])
    for (const x of division.subOrders) if (!known.has(x.mid)) problems.push(`子商户 ${x.mid} 不在原订单的分账中`)
    if (problems.length) throw new PayInputError(problems)
  }

  /** One refund-query for a refund whose outcome is unknown. */
  async reconcileRefund(refund: Refund): Promise<Refund> {
    const { store, client } = this.d
    const order = store.get(refund.merOrderId)
    try {
      const r = await client.refundQuery(refund.refundOrderId, order?.instMid)
      if (r.refundStatus === 'SUCCESS') return store.settleRefund(refund.refundOrderId, 'SUCCESS', 'refund-query')
      if (r.refundStatus === 'FAIL' || r.refundStatus === 'FAILED') return store.settleRefund(refund.refundOrderId, 'FAILED', 'refund-query', 'TARGET_FAIL')
    } catch (err) {
      if (!(err instanceof ChinaumsError)) throw err
      if (err.errCode === 'NO_ORDER') return store.settleRefund(refund.refundOrderId, 'FAILED', 'refund-query', 'NO_ORDER')
    }
    // Still unknown: ask again after a growing gap, never in a tight loop; after the last one the 对账文件 decides.
    const gap = nextCheckGap(refund.checkCount + 1)
    store.scheduleRefundCheck(refund.refundOrderId, gap === null ? null : this.d.clock() + gap)
    if (gap === null) this.d.log.warn({ refundOrderId: refund.refundOrderId }, 'refund still pending after the last scheduled refund-query')
    return store.getRefund(refund.refundOrderId) as Refund
  }

  async close(merOrderId: string): Promise<Order> {
    const { store, client } = this.d
    const order = store.get(merOrderId)
    if (!order) throw new ChinaumsError('close', 'NO_ORDER', '订单不存在', 'rejected')
    if (!PENDING_STATUSES.has(order.status)) throw new ChinaumsError('close', 'OPERATION_NOT_ALLOWED', `订单状态为 ${order.status}，不能关闭`, 'rejected')
    try {
      await client.close(merOrderId, order.instMid)
    } catch (err) {
      // The buyer never opened the cashier, so 银商 has no such order yet. Closing it only here is not
      // safe (the signed URL still works until expireTime); reconciliation closes it after that.
      if (err instanceof ChinaumsError && err.errCode === 'NO_ORDER' && order.kind === 'h5') {
        throw new ChinaumsError('close', 'NO_ORDER', '买家尚未打开收银台，银商还没有这笔订单；订单过期（30 分钟）后会自动关闭', 'rejected')
      }
      throw err
    }
    return store.transition(merOrderId, 'TRADE_CLOSED', 'close').order
  }

  /** 担保撤销: all the money goes back to the buyer; the order is closed. */
  async secureCancel(merOrderId: string): Promise<Order> {
    const { store, client } = this.d
    const order = this.securePaid(merOrderId, 'secure-cancel')
    await client.secureCancel(merOrderId, order.instMid)
    return store.recordSecureCancel(merOrderId)
  }

  /** 担保完成: `completedAmount` is settled to the merchant, the rest goes back to the buyer. */
  async secureComplete(merOrderId: string, completedAmount: number): Promise<{ order: Order; secureStatus: string | null }> {
    const { client, store } = this.d
    const order = this.securePaid(merOrderId, 'secure-complete')
    if (completedAmount > order.amount) throw new PayInputError([`completedAmount 不能超过订单金额 ${order.amount} 分`])
    const r = await client.secureComplete(merOrderId, completedAmount, order.instMid)
    const replied = typeof r.secureStatus === 'string' ? r.secureStatus : null
    const status = replied === 'PARTLY_COMPLETED' || replied === 'ALL_COMPLETED' ? replied : completedAmount === order.amount ? 'ALL_COMPLETED' : 'PARTLY_COMPLETED'
    return { order: store.recordSecureComplete(merOrderId, status, completedAmount), secureStatus: replied }
  }

  private securePaid(merOrderId: string, api: string): Order {
    const order = this.d.store.get(merOrderId)
    if (!order) throw new ChinaumsError(api, 'NO_ORDER', '订单不存在', 'rejected')
    if (!order.secure) throw new ChinaumsError(api, 'OPERATION_NOT_ALLOWED', '不是担保交易', 'rejected')
    if (order.status !== 'TRADE_SUCCESS') throw new ChinaumsError(api, 'OPERATION_NOT_ALLOWED', `订单状态为 ${order.status}`, 'rejected')
    if (order.secureStatus !== null) throw new ChinaumsError(api, 'OPERATION_NOT_ALLOWED', `担保交易已${order.secureStatus === 'CANCELED' ? '撤销' : '完成'}`, 'rejected')
    return order
  }
}
