import { randomInt } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { DomainError } from '../../errors.ts'
import { compactTimestamp } from '../../time.ts'
import { AcpError, type AcpAnswer } from '../client.ts'
import { classify } from '../codes.ts'
import type { AcpFields } from '../message.ts'
import type { NojumpRepo } from '../nojump/repo.ts'
import { settleDayOf } from '../reconcile/compare.ts'
import type { AcpRepo } from '../repo.ts'
import { FIRST_QUERY_AFTER_MS } from '../rules.ts'
import { applyNotification, queryOnce, settleByFile, type NotifyResult, type SettleTarget } from '../settling.ts'
import type { AcpVerifier } from '../verify.ts'
import type { PreauthClient } from './client.ts'
import { PreauthTransitionError, type PreauthKind, type PreauthOrder, type PreauthRepo } from './repo.ts'
import { completionProblem, completionVoidProblem, holdVoidProblem, type PreauthProblem } from './rules.ts'

export interface PreauthServiceDeps {
  repo: PreauthRepo
  client: PreauthClient
  /** The 无跳转 bindings (token + masked card) the holds are made on. */
  bindings: Pick<NojumpRepo, 'binding'>
  verifier: AcpVerifier
  notifications: Pick<AcpRepo, 'recordNotification' | 'setNotificationOutcome'>
  merId: string
  /** `${PUBLIC_BASE_URL}/notify/unionpay/acp/preauth` */
  backUrl: string
  /** Completion at most this share of the hold (UNIONPAY_ACP_PREAUTH_MAX_RATIO, default 1). */
  maxRatio: number
  /** How long a claimed status query is ours: the call timeout plus time to settle. */
  queryLeaseMs: number
  clock: () => number
  log: FastifyBaseLogger
}

export const PREAUTH_TXN_TYPE: Readonly<Record<PreauthKind, string>> = {
  hold: '02',
  hold_void: '32',
  completion: '03',
  completion_void: '33',
}

const WHAT: Record<PreauthKind, string> = {
  hold: '预授权',
  hold_void: '预授权撤销',
  completion: '预授权完成',
  completion_void: '预授权完成撤销',
}

/** A hold with what acts on it: the page's view. */
export interface HoldView {
  hold: PreauthOrder
  followUps: PreauthOrder[]
  /** The completion that stands (SUCCESS), if any. */
  completion: PreauthOrder | null
}

const problemError = (p: PreauthProblem) => new DomainError('conflict', p.code, p.message)

/**
 * 预授权 on a 无跳转 token (docs/preauth.md): hold, void, completion, completion void; the amount
 * rules before any call; unknown outcomes settled by the notification, by query after 5 minutes,
 * or by the reconciliation file.
 */
export class PreauthService {
  constructor(private readonly d: PreauthServiceDeps) {}

  get repo(): PreauthRepo {
    return this.d.repo
  }

  private async newOrderId(): Promise<string> {
    for (;;) {
      const id = `P${compactTimestamp(this.d.clock())}${String(randomInt(100_000_000)).padStart(8, '0')}`
      if (!(await this.d.repo.get(id))) return id
    }
  }

  async view(hold: PreauthOrder): Promise<HoldView> {
    const followUps: PreauthOrder[] = []
    // Completions' voids too, so the page shows the whole history of the hold.
    for (const f of await this.d.repo.followUps(hold.orderId)) {
      followUps.push(f)
      if (f.kind === 'completion') followUps.push(...(await this.d.repo.followUps(f.orderId)))
    }
    const completion = followUps.find((f) => f.kind === 'completion' && f.status === 'SUCCESS') ?? null
    return { hold, followUps, completion }
  }

  async holdsOf(openId: string): Promise<HoldView[]> {
    const views: HoldView[] = []
    for (const h of await this.d.repo.holdsOf(openId)) views.push(await this.view(h))
    return views
  }

  /** The user's hold; inside `atomic` its row stays locked (PostgreSQL) so two follow-ups cannot both pass the rules. */
  async ownHold(openId: string, orderId: string): Promise<PreauthOrder> {
    const h = await this.d.repo.lock(orderId)
    if (!h || h.openId !== openId || h.kind !== 'hold') throw new DomainError('not_found', 'NO_ORDER', '预授权不存在')
    return h
  }

  private async pending(orderId: string): Promise<boolean> {
    return (await this.d.repo.followUps(orderId)).some((f) => f.status === 'PENDING')
  }

  /** Sends one transaction; a refusal is final (FAILED), no answer or 03/04/05 stays PENDING. */
  private async send(o: PreauthOrder, call: () => Promise<AcpAnswer>): Promise<PreauthOrder> {
    const { repo, log } = this.d
    let a: AcpAnswer | null = null
    try {
      a = await call()
    } catch (e) {
      if (!(e instanceof AcpError)) throw e
      log.warn({ orderId: o.orderId, kind: e.kind }, `acp preauth ${o.kind}: outcome unknown`)
    }
    if (a?.outcome === 'refused')
      await repo.move(o.orderId, 'FAILED', 'answer', `${a.respCode} ${a.respMsg}`, {
        respCode: a.respCode,
        respMsg: a.respMsg,
      })
    else if (a) await repo.noteAnswer(o.orderId, a.respCode, a.respMsg)
    const after = (await repo.get(o.orderId)) as PreauthOrder
    if (after.status === 'FAILED')
      throw new DomainError(
        'conflict',
        `ACP_${after.respCode ?? 'REFUSED'}`,
        `${WHAT[o.kind]}失败：${after.respMsg ?? ''}`,
        {
          orderId: after.orderId,
        },
      )
    return after
  }

  private async insert(
    kind: PreauthKind,
    base: PreauthOrder | null,
    x: { bindingId: string; openId: string; amount: number },
  ): Promise<PreauthOrder> {
    return this.d.repo.insert({
      orderId: await this.newOrderId(),
      kind,
      bindingId: x.bindingId,
      openId: x.openId,
      txnTime: this.d.client.txnTime(),
      amount: x.amount,
      ...(base ? { origOrderId: base.orderId } : {}),
      nextCheckAt: this.d.clock() + FIRST_QUERY_AFTER_MS,
    })
  }

  /** 预授权: holds `amount` on an opened card of the user. */
  async hold(openId: string, bindingId: string, amount: number): Promise<PreauthOrder> {
    const b = await this.d.bindings.binding(bindingId)
    if (!b || b.openId !== openId) throw new DomainError('not_found', 'NO_BINDING', '找不到这张已绑定的卡')
    if (b.status !== 'ACTIVE' || !b.token) throw new DomainError('conflict', 'BINDING_NOT_ACTIVE', '这张卡尚未开通')
    const token = b.token
    const o = await this.insert('hold', null, { bindingId, openId, amount })
    return this.send(o, () =>
      this.d.client.hold({ orderId: o.orderId, txnTime: o.txnTime, token, txnAmt: amount, backUrl: this.d.backUrl }),
    )
  }

  /** Sends a follow-up recorded by `decide` (which checks the rules and inserts under the hold's lock). */
  private async followUp(decide: () => Promise<PreauthOrder>): Promise<PreauthOrder> {
    const o = await this.d.repo.atomic(decide)
    const base = (await this.d.repo.get(o.origOrderId as string)) as PreauthOrder
    const kind = o.kind
    const amount = o.amount
    const args = {
      orderId: o.orderId,
      txnTime: o.txnTime,
      txnAmt: amount,
      origQryId: base.queryId as string,
      backUrl: this.d.backUrl,
    }
    const c = this.d.client
    return this.send(o, () =>
      kind === 'hold_void' ? c.voidHold(args) : kind === 'completion' ? c.complete(args) : c.voidCompletion(args),
    )
  }

  /** 预授权撤销: the full hold, while it stands and nothing completed it. */
  voidHold(openId: string, holdId: string): Promise<PreauthOrder> {
    return this.followUp(async () => {
      const h = await this.ownHold(openId, holdId)
      const v = await this.view(h)
      const p = holdVoidProblem(h, this.d.clock(), v.completion !== null, await this.pending(h.orderId))
      if (p) throw problemError(p)
      return this.insert('hold_void', h, { bindingId: h.bindingId, openId: h.openId, amount: h.amount })
    })
  }

  /** 预授权完成: at most the hold (× maxRatio). */
  complete(openId: string, holdId: string, amount: number): Promise<PreauthOrder> {
    return this.followUp(async () => {
      const h = await this.ownHold(openId, holdId)
      const v = await this.view(h)
      const pending = await this.pending(h.orderId)
      const p = completionProblem(h, amount, this.d.maxRatio, this.d.clock(), v.completion !== null, pending)
      if (p) throw problemError(p)
      return this.insert('completion', h, { bindingId: h.bindingId, openId: h.openId, amount })
    })
  }

  /** 预授权完成撤销: the standing completion, in full, on its settle day; the hold stands again. */
  voidCompletion(openId: string, holdId: string): Promise<PreauthOrder> {
    return this.followUp(async () => {
      const h = await this.ownHold(openId, holdId)
      const c = (await this.view(h)).completion
      if (!c) throw new DomainError('conflict', 'COMPLETION_NOT_SETTLED', '没有可撤销的预授权完成')
      const today = settleDayOf(compactTimestamp(this.d.clock()))
      const p = completionVoidProblem(c, today, settleDayOf, await this.pending(c.orderId))
      if (p) throw problemError(p)
      return this.insert('completion_void', c, { bindingId: c.bindingId, openId: c.openId, amount: c.amount })
    })
  }

  // --- settling ------------------------------------------------------------------------------------

  /** A final outcome once; a settled void marks what it voided VOIDED, in the same transaction. */
  private async settle(
    o: PreauthOrder,
    respCode: string,
    respMsg: string,
    queryId: string | undefined,
    source: string,
  ): Promise<'applied' | 'unchanged'> {
    const { repo } = this.d
    const cls = classify(respCode)
    if (cls === 'unknown') return 'unchanged' as const
    const facts = { respCode, respMsg, ...(queryId ? { queryId } : {}) }
    const to = cls === 'refused' ? 'FAILED' : 'SUCCESS'
    if (!(await repo.move(o.orderId, to, source, `${respCode} ${respMsg}`, facts))) return 'unchanged' as const
    if (to === 'SUCCESS' && (o.kind === 'hold_void' || o.kind === 'completion_void') && o.origOrderId)
      await repo.move(o.origOrderId, 'VOIDED', source, `voided by ${o.orderId}`)
    return 'applied' as const
  }

  /** The reconciliation file's verdict on a PENDING completion or completion void. */
  async settleByFile(orderId: string, listed: { queryId: string } | null): Promise<void> {
    await settleByFile(orderId, listed, this.target())
  }

  private target(): SettleTarget<PreauthOrder> {
    return {
      label: 'acp preauth',
      log: this.d.log,
      get: (id) => this.d.repo.get(id),
      lock: (id) => this.d.repo.lock(id),
      atomic: (fn) => this.d.repo.atomic(fn),
      settle: (o, code, msg, queryId, source) => this.settle(o, code, msg, queryId, source),
      isLostRace: (e) => e instanceof PreauthTransitionError,
    }
  }

  /** `POST /notify/unionpay/acp/preauth`: verified, stored before answering 200, applied once. */
  handleNotification(fields: AcpFields): Promise<NotifyResult> {
    return applyNotification(fields, {
      ...this.target(),
      verifier: this.d.verifier,
      merId: this.d.merId,
      notifications: this.d.notifications,
      txnTypeOf: (o) => PREAUTH_TXN_TYPE[o.kind],
    })
  }

  /** One status query (00) for an order whose outcome is unknown; reschedules per queryGap. */
  check(o: PreauthOrder): Promise<PreauthOrder> {
    return queryOnce(o, {
      ...this.target(),
      query: (x) => this.d.client.query({ orderId: x.orderId, txnTime: x.txnTime }),
      scheduleCheck: (id, at, toFile) => this.d.repo.scheduleCheck(id, at, toFile),
      clock: this.d.clock,
    })
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
