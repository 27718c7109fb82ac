import { randomInt } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { DomainError } from '../../errors.ts'
import { compactTimestamp } from '../../time.ts'
import { AcpError, type AcpAnswer } from '../client.ts'
import { classify } from '../codes.ts'
import type { AcpFields } from '../message.ts'
import type { AcpRepo } from '../repo.ts'
import { FIRST_QUERY_AFTER_MS, refundProblem, voidProblem } from '../rules.ts'
import { reverseConsume, type ReverseTarget } from '../reversing.ts'
import {
  applyNotification,
  notificationRecord,
  queryOnce,
  settleByFile,
  type NotifyResult,
  type SettleTarget,
} from '../settling.ts'
import type { AcpVerifier } from '../verify.ts'
import type { CardInput, NojumpClient } from './client.ts'
import { MASKED_PAN, maskPan, readTokenPayData } from './fields.ts'
import { NojumpTransitionError, type Binding, type NojumpOrder, type NojumpRepo } from './repo.ts'
import { reversalProblem, smsStepProblem } from './rules.ts'

export interface NojumpServiceDeps {
  repo: NojumpRepo
  client: NojumpClient
  verifier: AcpVerifier
  /**
   * Verified notifications are stored once in the 全渠道 table (keyed by signature hash), in the
   * same transaction as their effect (both repositories share the store).
   */
  notifications: Pick<AcpRepo, 'recordNotification' | 'setNotificationOutcome'>
  merId: string
  /** `${PUBLIC_BASE_URL}/notify/unionpay/acp/nojump` */
  backUrl: string
  /** `${PUBLIC_BASE_URL}/pay/return/nojump`: where the bank page sends the buyer back. */
  frontUrl: string
  /** How long a claimed status query is ours: the call timeout plus time to settle. */
  queryLeaseMs: number
  clock: () => number
  log: FastifyBaseLogger
}

export type { NotifyResult } from '../settling.ts'

const TXN_TYPE: Partial<Record<NojumpOrder['kind'], string>> = { consume: '01', void: '31', refund: '04' }

/** What the page posts to the gateway (the buyer's browser carries it). */
export interface FrontForm {
  action: string
  fields: AcpFields
}

/** A refused answer as the error the user sees (the gateway's own message, its code as ACP_xx). */
function refusedError(a: AcpAnswer, what: string): DomainError {
  return new DomainError('conflict', `ACP_${a.respCode || 'REFUSED'}`, `${what}失败：${a.respMsg}`)
}

const unknownError = (what: string) =>
  new DomainError('upstream', 'ACP_OUTCOME_UNKNOWN', `${what}结果未知（银联未及时应答），请稍后重试`)

/** 银联无跳转支付 use cases: open a card, pay with its token and an SMS code, undo, settle. */
export class NojumpService {
  constructor(private readonly d: NojumpServiceDeps) {}

  get repo(): NojumpRepo {
    return this.d.repo
  }

  private async newId(prefix: string, exists: (id: string) => Promise<boolean>): Promise<string> {
    for (;;) {
      const id = `${prefix}${compactTimestamp(this.d.clock())}${String(randomInt(100_000_000)).padStart(8, '0')}`
      if (!(await exists(id))) return id
    }
  }

  private newOrderId(): Promise<string> {
    const { repo } = this.d
    return this.newId(
      'N',
      async (id) => (await repo.order(id)) !== null || (await repo.bindingByOpenOrder(id)) !== null,
    )
  }

  private newBindingId(): Promise<string> {
    return this.newId('B', async (id) => (await this.d.repo.binding(id)) !== null)
  }

  /** One call; an AcpError (timeout, network, unverifiable answer) becomes null = outcome unknown. */
  private async tryCall(what: string, ref: string, call: () => Promise<AcpAnswer>): Promise<AcpAnswer | null> {
    try {
      return await call()
    } catch (e) {
      if (!(e instanceof AcpError)) throw e
      this.d.log.warn({ ref, kind: e.kind }, `acp nojump ${what}: outcome unknown`)
      return null
    }
  }

  private async ownBinding(openId: string, id: string): Promise<Binding> {
    const b = await this.d.repo.binding(id)
    if (!b || b.openId !== openId) throw new DomainError('not_found', 'NO_BINDING', '找不到这张已绑定的卡')
    return b
  }

  // --- opening: back end with SMS -------------------------------------------------------------------

  /** Step 1 of 后台开通: SMS code to the card's phone (77/00); the binding waits as OPENING. */
  async openSms(openId: string, card: CardInput): Promise<Binding> {
    const { repo, client } = this.d
    const orderId = await this.newOrderId()
    const txnTime = client.txnTime()
    const b = await repo.insertBinding({
      id: await this.newBindingId(),
      openId,
      via: 'back',
      trId: client.trId,
      maskedPan: maskPan(card.pan),
      openOrderId: orderId,
      openTxnTime: txnTime,
    })
    const a = await this.tryCall('open sms', b.id, () => client.openSms({ orderId, txnTime, card }))
    if (!a || a.outcome === 'unknown') {
      await repo.moveBinding(b.id, 'FAILED', 'answer', {
        respCode: a?.respCode ?? 'unknown',
        respMsg: a?.respMsg ?? '',
      })
      throw unknownError('发送验证码')
    }
    if (a.outcome === 'refused') {
      await repo.moveBinding(b.id, 'FAILED', 'answer', { respCode: a.respCode, respMsg: a.respMsg })
      throw refusedError(a, '发送验证码')
    }
    return (await repo.binding(b.id)) as Binding
  }

  /** Step 2 of 后台开通 (79/00): the same card again with the SMS code; answers the token. */
  async openWithSms(openId: string, bindingId: string, card: CardInput, smsCode: string): Promise<Binding> {
    const { repo, client } = this.d
    const b = await this.ownBinding(openId, bindingId)
    if (b.status !== 'OPENING' || b.via !== 'back')
      throw new DomainError('conflict', 'BINDING_NOT_OPENING', '这张卡不在等待验证码的状态，请重新获取验证码')
    if (maskPan(card.pan) !== b.maskedPan)
      throw new DomainError('invalid', 'CARD_MISMATCH', '卡号与获取验证码时的卡号不一致')
    const expired = smsStepProblem(b.openTxnTime, this.d.clock())
    if (expired) throw new DomainError('conflict', expired.code, expired.message)
    const ref = { orderId: b.openOrderId, txnTime: b.openTxnTime }
    const a = await this.tryCall('back open', b.id, () => client.backOpen({ ...ref, card, smsCode }))
    if (a?.outcome === 'refused') {
      // The user may correct the code and try again while the SMS step is fresh.
      await repo.noteBindingAnswer(b.id, a.respCode, a.respMsg)
      throw refusedError(a, '开通')
    }
    const opened = a?.outcome === 'success' ? a : await this.openQueryAnswer(ref, b.id)
    if (!opened) throw unknownError('开通')
    return this.activate(b, opened, 'answer')
  }

  /** 开通查询 (78/02) once; the answer when it names a token, null otherwise. */
  private async openQueryAnswer(ref: { orderId: string; txnTime: string }, id: string): Promise<AcpAnswer | null> {
    const q = await this.tryCall('open query', id, () => this.d.client.openQuery(ref))
    return q?.outcome === 'success' && readTokenPayData(q.fields.tokenPayData) ? q : null
  }

  private async activate(b: Binding, a: AcpAnswer, source: string): Promise<Binding> {
    const fields = a.fields
    const t = readTokenPayData(fields.tokenPayData)
    if (!t || t.trId !== b.trId) {
      this.d.log.error({ bindingId: b.id }, 'acp nojump open answered without a usable tokenPayData')
      throw new DomainError('upstream', 'ACP_NO_TOKEN', '银联未返回可用的标记（token），请稍后重试')
    }
    const masked = fields.accNo && MASKED_PAN.test(fields.accNo) ? fields.accNo : undefined
    await this.d.repo.moveBinding(b.id, 'ACTIVE', source, {
      token: t.token,
      tokenEnd: t.tokenEnd,
      ...(masked ? { maskedPan: masked } : {}),
      respCode: fields.respCode ?? '00',
      respMsg: fields.respMsg ?? '',
    })
    return (await this.d.repo.binding(b.id)) as Binding
  }

  // --- opening: front end (bank page) and open-and-pay ----------------------------------------------

  /** 前台开通 (79/00): a binding waits as OPENING; the page posts `form` to the gateway. */
  async frontOpen(openId: string): Promise<{ binding: Binding; form: FrontForm }> {
    const { repo, client } = this.d
    const orderId = await this.newOrderId()
    const txnTime = client.txnTime()
    const binding = await repo.insertBinding({
      id: await this.newBindingId(),
      openId,
      via: 'front',
      trId: client.trId,
      maskedPan: null,
      openOrderId: orderId,
      openTxnTime: txnTime,
    })
    const form = client.frontOpenForm({ orderId, txnTime, frontUrl: this.d.frontUrl, backUrl: this.d.backUrl })
    return { binding, form }
  }

  /**
   * 开通并支付 (01/01/000902 front): a binding (OPENING) and its consume (PENDING, queried if no
   * notification comes) share the orderId; once paid, the token is asked by orderId (79/05).
   */
  async openAndPay(
    openId: string,
    amount: number,
    description?: string,
  ): Promise<{ binding: Binding; order: NojumpOrder; form: FrontForm }> {
    const { repo, client, clock } = this.d
    const orderId = await this.newOrderId()
    const bindingId = await this.newBindingId()
    const txnTime = client.txnTime()
    const { binding, order } = await repo.atomic(async () => {
      const binding = await repo.insertBinding({
        id: bindingId,
        openId,
        via: 'open_pay',
        trId: client.trId,
        maskedPan: null,
        openOrderId: orderId,
        openTxnTime: txnTime,
      })
      const order = await repo.insertOrder(
        {
          orderId,
          kind: 'consume',
          status: 'PENDING',
          txnTime,
          amount,
          bindingId: binding.id,
          openId,
          ...(description ? { description } : {}),
          nextCheckAt: clock() + FIRST_QUERY_AFTER_MS,
        },
        'open_pay',
      )
      return { binding, order }
    })
    const form = client.openAndPayForm({
      orderId,
      txnTime,
      txnAmt: amount,
      frontUrl: this.d.frontUrl,
      backUrl: this.d.backUrl,
    })
    return { binding, order, form }
  }

  /**
   * The buyer is back from the bank page (frontUrl, verified): an open's signed result may open
   * the binding; a payment's never settles it (only the notification or a query does).
   * Answers where the page should go.
   */
  async frontReturn(fields: AcpFields): Promise<{ bindingId: string | null; orderId: string | null }> {
    const v = this.d.verifier.verify(fields)
    if (!v.ok || fields.merId !== this.d.merId) {
      this.d.log.warn({ reason: v.ok ? 'merId' : v.reason }, 'acp nojump front result not verified')
      return { bindingId: null, orderId: null }
    }
    const b = await this.d.repo.bindingByOpenOrder(fields.orderId ?? '')
    if (!b) return { bindingId: null, orderId: null }
    if (b.via === 'front' && b.status === 'OPENING') await this.applyOpenResult(b, fields, 'front')
    return { bindingId: b.id, orderId: b.via === 'open_pay' ? b.openOrderId : null }
  }

  private async applyOpenResult(b: Binding, fields: AcpFields, source: string): Promise<void> {
    const cls = classify(fields.respCode)
    try {
      if (cls === 'success' && readTokenPayData(fields.tokenPayData))
        await this.activate(b, { fields } as AcpAnswer, source)
      else if (cls === 'refused')
        await this.d.repo.moveBinding(b.id, 'FAILED', source, {
          respCode: fields.respCode!,
          respMsg: fields.respMsg ?? '',
        })
    } catch (e) {
      if (!(e instanceof NojumpTransitionError) && !(e instanceof DomainError)) throw e
    }
  }

  /**
   * A binding still OPENING, looked at again: a front open asks 开通查询 (78/02); an
   * open-and-pay asks 79/05 once its consume succeeded, and fails with a failed consume.
   */
  async refreshBinding(openId: string, bindingId: string): Promise<Binding> {
    const b = await this.ownBinding(openId, bindingId)
    if (b.status !== 'OPENING') return b
    await this.completeOpening(b)
    return (await this.d.repo.binding(b.id)) as Binding
  }

  private async completeOpening(b: Binding): Promise<void> {
    const { repo, client } = this.d
    const ref = { orderId: b.openOrderId, txnTime: b.openTxnTime }
    if (b.via === 'front') {
      const q = await this.tryCall('open query', b.id, () => client.openQuery(ref))
      if (q) await this.applyOpenResult(b, q.fields, 'query')
      return
    }
    if (b.via !== 'open_pay') return
    const o = await repo.order(b.openOrderId)
    if (!o) return
    if (o.status === 'FAILED' || o.status === 'REVERSED') {
      await repo.moveBinding(b.id, 'FAILED', 'consume', { respCode: o.respCode ?? '', respMsg: o.respMsg ?? '' })
      return
    }
    if (o.status !== 'SUCCESS' && o.status !== 'VOIDED') return
    const a = await this.tryCall('token by order', b.id, () => client.tokenByOrder(ref))
    if (a?.outcome === 'success') {
      try {
        await this.activate(b, a, 'token_by_order')
      } catch (e) {
        if (!(e instanceof DomainError) && !(e instanceof NojumpTransitionError)) throw e
      }
    } else if (a) await repo.noteBindingAnswer(b.id, a.respCode, a.respMsg)
  }

  /**
   * After an open-and-pay's consume settled (outside its transaction): finish its binding
   * without holding the notification.
   */
  private followOpenPay(o: NojumpOrder): void {
    if (!o.bindingId) return
    const bindingId = o.bindingId
    const follow = async () => {
      const b = await this.d.repo.binding(bindingId)
      if (b && b.via === 'open_pay' && b.status === 'OPENING') await this.completeOpening(b)
    }
    void follow().catch((e: unknown) =>
      this.d.log.error({ bindingId, err: e instanceof Error ? e.message : 'error' }, 'acp nojump open-and-pay token'),
    )
  }

  async bindings(openId: string): Promise<Binding[]> {
    return (await this.d.repo.bindingsOf(openId)).filter((b) => b.status === 'ACTIVE')
  }

  /** 解除标记 (74/01). A token the gateway no longer knows (40) is removed here too. */
  async remove(openId: string, bindingId: string): Promise<Binding> {
    const { repo, client } = this.d
    const b = await this.ownBinding(openId, bindingId)
    if (b.status === 'REMOVED') return b
    if (b.status !== 'ACTIVE' || !b.token) throw new DomainError('conflict', 'BINDING_NOT_ACTIVE', '这张卡尚未开通')
    const token = b.token
    const orderId = await this.newOrderId()
    const a = await this.tryCall('remove token', b.id, () =>
      client.removeToken({ orderId, txnTime: client.txnTime(), token }),
    )
    if (!a || a.outcome === 'unknown') throw unknownError('解绑')
    if (a.outcome === 'refused' && a.respCode !== '40') throw refusedError(a, '解绑')
    await repo.moveBinding(b.id, 'REMOVED', 'answer', { respCode: a.respCode, respMsg: a.respMsg })
    return (await repo.binding(b.id)) as Binding
  }

  /** 更新标记 (79/03): the holder's details again; the gateway may answer a new token. */
  async update(openId: string, bindingId: string, holder: Omit<CardInput, 'pan'>): Promise<Binding> {
    const { repo, client } = this.d
    const b = await this.ownBinding(openId, bindingId)
    if (b.status !== 'ACTIVE' || !b.token) throw new DomainError('conflict', 'BINDING_NOT_ACTIVE', '这张卡尚未开通')
    const token = b.token
    const orderId = await this.newOrderId()
    const a = await this.tryCall('update token', b.id, () =>
      client.updateToken({ orderId, txnTime: client.txnTime(), token, holder }),
    )
    if (!a || a.outcome === 'unknown') throw unknownError('更新')
    if (a.outcome === 'refused') throw refusedError(a, '更新')
    const t = readTokenPayData(a.fields.tokenPayData)
    if (t && t.token !== token) await repo.replaceToken(b.id, t.token, t.tokenEnd, 'update')
    return (await repo.binding(b.id)) as Binding
  }

  // --- paying with a token ------------------------------------------------------------------------

  /** Step 1 of a payment: SMS code for this amount (77/02); the order waits as DRAFT. */
  async paySms(openId: string, bindingId: string, amount: number, description?: string): Promise<NojumpOrder> {
    const { repo, client } = this.d
    const b = await this.ownBinding(openId, bindingId)
    if (b.status !== 'ACTIVE' || !b.token) throw new DomainError('conflict', 'BINDING_NOT_ACTIVE', '这张卡尚未开通')
    const token = b.token
    const o = await repo.insertOrder(
      {
        orderId: await this.newOrderId(),
        kind: 'consume',
        status: 'DRAFT',
        txnTime: client.txnTime(),
        amount,
        bindingId: b.id,
        openId,
        ...(description ? { description } : {}),
      },
      'sms',
    )
    const a = await this.tryCall('consume sms', o.orderId, () =>
      client.consumeSms({ orderId: o.orderId, txnTime: o.txnTime, token, txnAmt: amount }),
    )
    if (!a || a.outcome !== 'success') {
      await repo.move(o.orderId, 'FAILED', 'answer', a ? `${a.respCode} ${a.respMsg}` : 'sms outcome unknown', {
        ...(a ? { respCode: a.respCode, respMsg: a.respMsg } : {}),
      })
      throw a?.outcome === 'refused' ? refusedError(a, '发送验证码') : unknownError('发送验证码')
    }
    return (await repo.order(o.orderId)) as NojumpOrder
  }

  /**
   * Step 2: the consume by token with the SMS code (01/01/000902). `00` = accepted: the order
   * stays PENDING until the notification or a query; a refusal is final; no answer = unknown.
   */
  async payConfirm(openId: string, orderId: string, smsCode: string): Promise<NojumpOrder> {
    const { repo, client, clock } = this.d
    const o = await repo.order(orderId)
    if (!o || o.openId !== openId || o.kind !== 'consume') throw new DomainError('not_found', 'NO_ORDER', '订单不存在')
    if (o.status !== 'DRAFT') throw new DomainError('conflict', 'ORDER_NOT_DRAFT', '该订单已提交，请勿重复支付')
    const expired = smsStepProblem(o.txnTime, clock())
    if (expired) {
      await repo.move(o.orderId, 'FAILED', 'expired', expired.message)
      throw new DomainError('conflict', expired.code, expired.message)
    }
    const b = o.bindingId ? await repo.binding(o.bindingId) : null
    if (!b || b.status !== 'ACTIVE' || !b.token) throw new DomainError('conflict', 'BINDING_NOT_ACTIVE', '这张卡已解绑')
    const token = b.token
    // PENDING before the call: whatever happens next, the order is never left looking unsent.
    // Of two confirmations at once exactly one moves DRAFT → PENDING (compare-and-set); the other is refused.
    if (!(await this.markSent(o.orderId)))
      throw new DomainError('conflict', 'ORDER_NOT_DRAFT', '该订单已提交，请勿重复支付')
    const a = await this.tryCall('consume', o.orderId, () =>
      client.consume({
        orderId: o.orderId,
        txnTime: o.txnTime,
        token,
        txnAmt: o.amount,
        smsCode,
        backUrl: this.d.backUrl,
      }),
    )
    if (a) await this.afterAnswer(o.orderId, a)
    return (await repo.order(o.orderId)) as NojumpOrder
  }

  /** DRAFT → PENDING once; false when another confirmation (or the expiry) moved it first. */
  private async markSent(orderId: string): Promise<boolean> {
    try {
      return await this.d.repo.move(orderId, 'PENDING', 'pay', null, {
        nextCheckAt: this.d.clock() + FIRST_QUERY_AFTER_MS,
      })
    } catch (e) {
      if (e instanceof NojumpTransitionError) return false
      throw e
    }
  }

  private async afterAnswer(orderId: string, a: AcpAnswer): Promise<void> {
    if (a.outcome === 'refused')
      await this.d.repo.move(orderId, 'FAILED', 'answer', `${a.respCode} ${a.respMsg}`, {
        respCode: a.respCode,
        respMsg: a.respMsg,
      })
    else await this.d.repo.noteAnswer(orderId, a.respCode, a.respMsg)
  }

  ordersOf(openId: string): Promise<NojumpOrder[]> {
    return this.d.repo.ordersOf(openId)
  }

  // --- void, refund, reversal (merchant) ------------------------------------------------------------

  private async consume(orderId: string): Promise<NojumpOrder> {
    const c = await this.d.repo.order(orderId)
    if (!c) throw new DomainError('not_found', 'NO_ORDER', '订单不存在')
    return c
  }

  async voidConsume(orderId: string): Promise<NojumpOrder> {
    const { repo, clock } = this.d
    return reverseConsume(this.reversing(), orderId, 'void', async (c) => {
      const p = voidProblem(c, compactTimestamp(clock()).slice(0, 8), await repo.pendingReversals(orderId, 'any'))
      return p ? { problem: p } : { amount: c.amount }
    })
  }

  async refund(orderId: string, amount: number): Promise<NojumpOrder> {
    const { repo } = this.d
    return reverseConsume(this.reversing(), orderId, 'refund', async (c) => {
      const p = refundProblem(c, amount, await repo.pendingReversals(orderId, 'refund'))
      return p ? { problem: p } : { amount }
    })
  }

  /** The 无跳转 side of a void or refund (../reversing.ts). */
  private reversing(): ReverseTarget<NojumpOrder> {
    const { repo, client, clock } = this.d
    return {
      atomic: (fn) => repo.atomic(fn),
      lock: (id) => repo.lock(id),
      get: (id) => repo.order(id),
      insert: (r) =>
        repo.insertOrder(
          {
            orderId: r.orderId,
            kind: r.kind,
            status: 'PENDING',
            txnTime: r.txnTime,
            amount: r.amount,
            origOrderId: r.consume.orderId,
            ...(r.consume.openId ? { openId: r.consume.openId } : {}),
            nextCheckAt: r.nextCheckAt,
          },
          r.kind,
        ),
      send: async (kind, request, reversal) => {
        const a = await this.tryCall(kind, reversal.orderId, () =>
          kind === 'void' ? client.voidConsume(request) : client.refund(request),
        )
        if (a) await this.afterAnswer(reversal.orderId, a)
      },
      newOrderId: () => this.newOrderId(),
      txnTime: () => client.txnTime(),
      now: clock,
      firstQueryAfterMs: FIRST_QUERY_AFTER_MS,
      backUrl: this.d.backUrl,
    }
  }

  /** 冲正 (99): only a consume whose outcome is unknown, within its window; 00 = never taken. */
  async reverse(orderId: string): Promise<NojumpOrder> {
    const { repo, client, clock } = this.d
    const c = await this.consume(orderId)
    const p = reversalProblem(c, clock())
    if (p) throw new DomainError('conflict', p.code, p.message)
    const a = await this.tryCall('reversal', c.orderId, () =>
      client.reverse({ orderId: c.orderId, txnTime: c.txnTime }),
    )
    if (!a || a.outcome === 'unknown') {
      await repo.noteAnswer(c.orderId, a?.respCode ?? 'unknown', a?.respMsg ?? '', 'reversal outcome unknown')
      throw unknownError('冲正')
    }
    if (a.outcome === 'refused') throw refusedError(a, '冲正')
    try {
      await repo.move(c.orderId, 'REVERSED', 'reversal', `${a.respCode} ${a.respMsg}`)
    } catch (e) {
      // Settled meanwhile (notification or query): the reversal answered 00, so the money is back.
      if (!(e instanceof NojumpTransitionError)) throw e
      this.d.log.error({ orderId }, 'acp nojump reversal accepted for a consume that settled meanwhile — check it')
    }
    return (await repo.order(c.orderId)) as NojumpOrder
  }

  // --- settling: notification and query ---------------------------------------------------------

  /**
   * Applies a final outcome once (status-guarded), with its consequences in the same transaction:
   * a void marks its consume VOIDED, a refund adds to the refunded amount.
   */
  private async settle(
    o: NojumpOrder,
    respCode: string,
    respMsg: string,
    queryId: string | undefined,
    source: string,
  ): Promise<'applied' | 'unchanged'> {
    const { repo } = this.d
    const cls = classify(respCode)
    if (cls === 'unknown') return 'unchanged'
    const facts = { respCode, respMsg, ...(queryId ? { queryId } : {}) }
    if (cls === 'refused')
      return (await repo.move(o.orderId, 'FAILED', source, `${respCode} ${respMsg}`, facts)) ? 'applied' : 'unchanged'
    if (!(await repo.move(o.orderId, 'SUCCESS', source, `${respCode} ${respMsg}`, facts))) return 'unchanged'
    if (o.kind === 'void' && o.origOrderId) await repo.move(o.origOrderId, 'VOIDED', source, `voided by ${o.orderId}`)
    if (o.kind === 'refund' && o.origOrderId) await repo.addRefunded(o.origOrderId, o.amount, o.orderId)
    return 'applied'
  }

  private target(): SettleTarget<NojumpOrder> {
    return {
      label: 'acp nojump',
      log: this.d.log,
      get: (id) => this.d.repo.order(id),
      lock: (id) => this.d.repo.lock(id),
      atomic: (fn) => this.d.repo.atomic(fn),
      settle: (o, code, msg, queryId, source) => this.settle(o, code, msg, queryId, source),
      isLostRace: (e) => e instanceof NojumpTransitionError,
    }
  }

  /**
   * `POST /notify/unionpay/acp/nojump`: verified, stored before answering 200, applied once; an
   * open (79) opens its front binding; a settled open-and-pay consume goes on to its token.
   */
  async handleNotification(fields: AcpFields): Promise<NotifyResult> {
    const { repo } = this.d
    if (fields.txnType === '79') return this.openNotification(fields)
    const r = await applyNotification(fields, {
      ...this.target(),
      verifier: this.d.verifier,
      merId: this.d.merId,
      notifications: this.d.notifications,
      txnTypeOf: (o) => TXN_TYPE[o.kind],
    })
    if (r.outcome === 'applied') this.followOpenPay((await repo.order(fields.orderId!))!)
    return r
  }

  /** A front open's notification (79): opens the binding with its tokenPayData, once. */
  private async openNotification(fields: AcpFields): Promise<NotifyResult> {
    const { repo, log } = this.d
    const v = this.d.verifier.verify(fields)
    if (!v.ok) {
      log.warn({ reason: v.reason, orderId: fields.orderId }, 'acp nojump notification not verified')
      return { status: 400, outcome: 'bad_signature' }
    }
    if (fields.merId !== this.d.merId || !fields.orderId || !fields.respCode)
      return { status: 400, outcome: 'bad_fields' }
    const b = await repo.bindingByOpenOrder(fields.orderId)
    if (!b || b.via !== 'front') {
      log.warn({ orderId: fields.orderId }, 'acp nojump open notification for an unknown binding')
      return { status: 404, outcome: 'no_order' }
    }
    const { signatureHash, params } = notificationRecord(fields)
    return repo.atomic(async () => {
      const fresh = await this.d.notifications.recordNotification({
        signatureHash,
        orderId: fields.orderId!,
        txnType: '79',
        respCode: fields.respCode!,
        outcome: 'received',
        params,
      })
      if (!fresh) return { status: 200 as const, outcome: 'duplicate' as const }
      const before = (await repo.lockBinding(b.id))!
      await this.applyOpenResult(before, fields, 'notify')
      const outcome = (await repo.binding(b.id))!.status !== before.status ? 'applied' : 'unchanged'
      await this.d.notifications.setNotificationOutcome(signatureHash, outcome)
      return { status: 200 as const, outcome }
    })
  }

  /**
   * The reconciliation file's verdict on a PENDING order (seed 003 FAQ 35, docs/reconcile.md):
   * listed → SUCCESS, not listed → FAILED; inside the reconciliation's transaction.
   */
  async settleByFile(orderId: string, listed: { queryId: string } | null): Promise<void> {
    await settleByFile(orderId, listed, this.target())
  }

  /** One status query (00) for an order whose outcome is unknown; reschedules per queryGap. */
  async check(o: NojumpOrder): Promise<NojumpOrder> {
    const after = await queryOnce(o, {
      ...this.target(),
      query: (x) => this.d.client.query({ orderId: x.orderId, txnTime: x.txnTime }),
      scheduleCheck: (id, at, toFile) => this.d.repo.scheduleCheck(id, at, toFile),
      clock: this.d.clock,
    })
    if (after.status !== 'PENDING') this.followOpenPay(after)
    return after
  }

  /**
   * Queries due orders, at most `limit` per round, each claimed just before its query (so N
   * instances never query one order together; a crashed instance holds one order for one lease).
   */
  async checkDue(limit = 20): Promise<number> {
    let done = 0
    for (; done < limit; done++) {
      const o = await this.d.repo.claimNextDue(this.d.clock(), this.d.queryLeaseMs)
      if (!o) break
      await this.check(o)
    }
    return done
  }
}
