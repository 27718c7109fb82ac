import { randomInt, type X509Certificate } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { beijingDayStart, compactTimestamp } from '../time.ts'
import { loadCertificate } from './certs.ts'
import { AcpError, type AcpAnswer, type AcpClient } from './client.ts'
import { classify } from './codes.ts'
import type { AcpConfig } from './config.ts'
import type { EncryptCerts } from './encrypt.ts'
import { DomainError } from '../errors.ts'
import type { AcpFields } from './message.ts'
import { AcpTransitionError, type AcpOrder, type AcpRepo } from './repo.ts'
import type { PlanLimits } from './config.ts'
import { chargeLimitProblem, FIRST_QUERY_AFTER_MS, refundProblem, voidProblem, type Problem } from './rules.ts'
import { reverseConsume, type ReverseTarget } from './reversing.ts'
import { applyNotification, queryOnce, settleByFile, type NotifyResult, type SettleTarget } from './settling.ts'
import type { AcpVerifier } from './verify.ts'

export interface AcpServiceDeps {
  config: AcpConfig
  repo: AcpRepo
  client: AcpClient
  verifier: AcpVerifier
  encryptCerts: EncryptCerts
  /** `${PUBLIC_BASE_URL}/notify/unionpay/acp` */
  backUrl: string
  appId: string
  clock: () => number
  log: FastifyBaseLogger
  /** 用户状态查询 (contract.status): true when the user owes (seed 000). */
  userOwes(openId: string): Promise<boolean>
  /** A tn consume settled: move the pay order it belongs to (same transaction as ours). */
  onTnSettled(payOrderId: string, status: 'SUCCESS' | 'FAILED', detail: string): Promise<void>
}

export interface ChargeInput {
  contractId: string
  amount: number
  idempotencyKey: string
  description?: string
}

export type { NotifyResult } from './settling.ts'

/** The txnType each kind of order is sent with. */
export const ACP_TXN_TYPE: Readonly<Record<AcpOrder['kind'], string>> = {
  tn: '01',
  contract: '01',
  void: '31',
  refund: '04',
}

/** Over the single limit is bad input (400); over the daily limit depends on today's charges (409). */
function limitError(p: Problem, limits: PlanLimits): DomainError {
  return new DomainError(p.code === 'LIMIT_SINGLE' ? 'invalid' : 'conflict', p.code, p.message, { limits })
}

/** 全渠道 use cases: tn, contract charges, notifications, queries, void, refund, key update. */
export class AcpService {
  constructor(private readonly d: AcpServiceDeps) {}

  get repo(): AcpRepo {
    return this.d.repo
  }

  /** The gateway client and settings, for features built on the same 全渠道 merchant (reconciliation). */
  get client(): AcpClient {
    return this.d.client
  }

  get config(): AcpConfig {
    return this.d.config
  }

  async newOrderId(): Promise<string> {
    for (;;) {
      const id = `A${compactTimestamp(this.d.clock())}${String(randomInt(100_000_000)).padStart(8, '0')}`
      if (!(await this.d.repo.get(id))) return id
    }
  }

  // --- tn (手机控件) -------------------------------------------------------------------------------

  /** appTransReq consume for a pay order; the pay order settles only by notification or query. */
  async issueTn(
    payOrderId: string,
    amount: number,
  ): Promise<{ tn: string } | { refused: AcpAnswer } | { unknown: string }> {
    const { repo, client, clock } = this.d
    const txnTime = client.txnTime()
    const order = await repo.insert(
      { orderId: payOrderId, kind: 'tn', txnTime, amount, payOrderId, nextCheckAt: clock() + FIRST_QUERY_AFTER_MS },
      'tn',
    )
    let a: AcpAnswer
    try {
      a = await client.appConsume({ orderId: order.orderId, txnTime, txnAmt: amount, backUrl: this.d.backUrl })
    } catch (e) {
      if (!(e instanceof AcpError)) throw e
      return { unknown: e.message }
    }
    await repo.noteAnswer(order.orderId, a.respCode, a.respMsg)
    if (a.outcome === 'success' && a.fields.tn && /^\d{10,64}$/.test(a.fields.tn)) return { tn: a.fields.tn }
    if (a.outcome === 'refused') {
      await repo.transition(order.orderId, 'FAILED', 'answer', `${a.respCode} ${a.respMsg}`, {
        respCode: a.respCode,
        respMsg: a.respMsg,
      })
      return { refused: a }
    }
    return { unknown: `${a.respCode} ${a.respMsg}` }
  }

  // --- contract charges --------------------------------------------------------------------------

  async charge(input: ChargeInput): Promise<AcpOrder> {
    const { repo, config, clock } = this.d
    const same = await repo.byIdempotencyKey(input.idempotencyKey)
    if (same) return this.sameCharge(same, input)
    const contract = await repo.signedContract(this.d.appId, input.contractId)
    if (!contract) throw new DomainError('not_found', 'CONTRACT_NOT_SIGNED', '签约协议号不存在或已解约，不能扣款')
    const limits = config.planLimits[contract.planId]
    if (!limits)
      throw new DomainError(
        'conflict',
        'PLAN_LIMITS_MISSING',
        `套餐 ${contract.planId} 未配置单笔/单日限额（UNIONPAY_ACP_PLAN_LIMITS），不能扣款`,
      )
    const dayStart = beijingDayStart(clock())
    const limitProblem = chargeLimitProblem(input.amount, limits, await repo.chargedSince(input.contractId, dayStart))
    if (limitProblem) throw limitError(limitProblem, limits)
    // 用户状态查询 first: a user who owes must settle in 云闪付 before being charged again.
    if (await this.d.userOwes(contract.openId))
      throw new DomainError('conflict', 'USER_IN_ARREARS', '用户在云闪付有欠款未补缴，暂不能扣款')
    const txnTime = this.d.client.txnTime()
    const orderId = await this.newOrderId()
    // One charge of a contract decides at a time (the daily sum and the idempotency key), on any instance.
    const created = await repo.atomic(async () => {
      await repo.lockContract(contract.contractId)
      const again = await repo.byIdempotencyKey(input.idempotencyKey)
      if (again) return { existing: again, order: null }
      const p = chargeLimitProblem(input.amount, limits, await repo.chargedSince(input.contractId, dayStart))
      if (p) throw limitError(p, limits)
      return {
        existing: null,
        order: await repo.insert(
          {
            orderId,
            kind: 'contract',
            txnTime,
            amount: input.amount,
            openId: contract.openId,
            contractId: contract.contractId,
            planId: contract.planId,
            idempotencyKey: input.idempotencyKey,
            ...(input.description ? { description: input.description } : {}),
            nextCheckAt: clock() + FIRST_QUERY_AFTER_MS,
          },
          'charge',
        ),
      }
    })
    if (created.existing) return this.sameCharge(created.existing, input)
    const order = created.order
    try {
      const a = await this.d.client.contractConsume({
        orderId: order.orderId,
        txnTime,
        txnAmt: order.amount,
        backUrl: this.d.backUrl,
        contractId: contract.contractId,
      })
      await this.afterAnswer(order, a)
    } catch (e) {
      if (!(e instanceof AcpError)) throw e
      this.d.log.warn(
        { orderId: order.orderId, kind: e.kind },
        'acp consume outcome unknown; the notification or a query will tell',
      )
    }
    return (await repo.get(order.orderId)) as AcpOrder
  }

  private sameCharge(existing: AcpOrder, input: ChargeInput): AcpOrder {
    if (existing.kind !== 'contract' || existing.contractId !== input.contractId || existing.amount !== input.amount)
      throw new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', '该幂等键已用于另一笔扣款（签约协议号或金额不同）')
    return existing
  }

  /** A direct answer: `00` = accepted (the notification or a query settles), refusal = FAILED. */
  private async afterAnswer(order: AcpOrder, a: AcpAnswer): Promise<void> {
    if (a.outcome === 'refused') {
      await this.d.repo.transition(order.orderId, 'FAILED', 'answer', `${a.respCode} ${a.respMsg}`, {
        respCode: a.respCode,
        respMsg: a.respMsg,
      })
    } else {
      await this.d.repo.noteAnswer(order.orderId, a.respCode, a.respMsg)
    }
  }

  // --- void and refund -------------------------------------------------------------------------------

  async voidConsume(orderId: string): Promise<AcpOrder> {
    const { clock, repo } = this.d
    return reverseConsume(this.reversing(), orderId, 'void', async (c) => {
      const p = voidProblem(c, compactTimestamp(clock()).slice(0, 8), await repo.pendingReversals(orderId, 'any'))
      return p ? { problem: p } : { amount: c.amount }
    })
  }

  async refund(orderId: string, amount: number): Promise<AcpOrder> {
    const { repo } = this.d
    return reverseConsume(this.reversing(), orderId, 'refund', async (c) => {
      const p = refundProblem(c, amount, await repo.pendingReversals(orderId, 'refund'))
      return p ? { problem: p } : { amount }
    })
  }

  /** The 全渠道 side of a void or refund (reversing.ts). */
  private reversing(): ReverseTarget<AcpOrder> {
    const { repo, client, clock, log } = this.d
    return {
      atomic: (fn) => repo.atomic(fn),
      lock: (id) => repo.lock(id),
      get: (id) => repo.get(id),
      insert: (r) =>
        repo.insert(
          {
            orderId: r.orderId,
            kind: r.kind,
            txnTime: r.txnTime,
            amount: r.amount,
            origOrderId: r.consume.orderId,
            nextCheckAt: r.nextCheckAt,
          },
          r.kind,
        ),
      send: async (kind, request, reversal) => {
        try {
          const a = kind === 'void' ? await client.voidConsume(request) : await client.refund(request)
          await this.afterAnswer(reversal, a)
        } catch (e) {
          if (!(e instanceof AcpError)) throw e
          log.warn({ orderId: reversal.orderId, kind: e.kind }, `acp ${kind} outcome unknown`)
        }
      },
      newOrderId: () => this.newOrderId(),
      txnTime: () => client.txnTime(),
      now: clock,
      firstQueryAfterMs: FIRST_QUERY_AFTER_MS,
      backUrl: this.d.backUrl,
    }
  }

  // --- settling: notification and query ------------------------------------------------------------

  /**
   * Applies a final outcome once (status-guarded), with its consequences in the same
   * transaction: a void marks its consume VOIDED, a refund adds to the refunded amount, a tn
   * consume settles its pay order.
   */
  private async settle(
    o: AcpOrder,
    respCode: string,
    respMsg: string,
    queryId: string | undefined,
    source: string,
  ): Promise<'applied' | 'unchanged'> {
    const { repo } = this.d
    const cls = classify(respCode)
    if (cls === 'unknown') return 'unchanged'
    const facts = { respCode, respMsg, ...(queryId ? { queryId } : {}) }
    if (cls === 'refused') {
      if (!(await repo.transition(o.orderId, 'FAILED', source, `${respCode} ${respMsg}`, facts))) return 'unchanged'
      if (o.kind === 'tn' && o.payOrderId)
        await this.d.onTnSettled(o.payOrderId, 'FAILED', `全渠道 ${source} ${respCode} ${respMsg}`)
      return 'applied'
    }
    if (!(await repo.transition(o.orderId, 'SUCCESS', source, `${respCode} ${respMsg}`, facts))) return 'unchanged'
    if (o.kind === 'void' && o.origOrderId)
      await repo.transition(o.origOrderId, 'VOIDED', source, `voided by ${o.orderId}`)
    if (o.kind === 'refund' && o.origOrderId) await repo.addRefunded(o.origOrderId, o.amount, o.orderId)
    if (o.kind === 'tn' && o.payOrderId)
      await this.d.onTnSettled(o.payOrderId, 'SUCCESS', `全渠道 ${source} queryId ${queryId ?? ''}`)
    return 'applied'
  }

  private target(): SettleTarget<AcpOrder> {
    return {
      label: 'acp',
      log: this.d.log,
      get: (id) => this.d.repo.get(id),
      lock: (id) => this.d.repo.lock(id),
      atomic: (fn) => this.d.repo.atomic(fn),
      settle: (o, code, msg, queryId, source) => this.settle(o, code, msg, queryId, source),
      isLostRace: (e) => e instanceof AcpTransitionError,
    }
  }

  /** `POST /notify/unionpay/acp`: verified, stored before answering 200, applied once. */
  handleNotification(fields: AcpFields): Promise<NotifyResult> {
    return applyNotification(fields, {
      ...this.target(),
      verifier: this.d.verifier,
      merId: this.d.config.merId,
      notifications: this.d.repo,
      txnTypeOf: (o) => ACP_TXN_TYPE[o.kind],
    })
  }

  /**
   * The reconciliation file's verdict on an order still PENDING (seed 003 FAQ 35: the file is
   * final): listed → SUCCESS with its queryId, not listed → FAILED (`34` 查无此交易). Same
   * consequences as a notification; run inside the reconciliation's transaction.
   */
  settleByFile(orderId: string, listed: { queryId: string } | null): Promise<'applied' | 'unchanged'> {
    return settleByFile(orderId, listed, this.target())
  }

  /** One status query (`00`) for an order whose outcome is unknown; reschedules per queryGap. */
  check(o: AcpOrder): Promise<AcpOrder> {
    return queryOnce(o, {
      ...this.target(),
      query: (x) => this.d.client.query({ orderId: x.orderId, txnTime: x.txnTime }),
      scheduleCheck: (id, at, toFile) => this.d.repo.scheduleCheck(id, at, toFile),
      clock: this.d.clock,
    })
  }

  /**
   * Queries due orders, at most `limit` per round, each claimed just before its query (so N
   * instances never query one order together, and a crashed instance holds one order for one
   * lease). The lease outlasts one query: the call timeout plus time to settle.
   */
  async checkDue(limit = 20): Promise<number> {
    const leaseMs = this.d.config.timeoutMs + 30_000
    let done = 0
    for (; done < limit; done++) {
      const o = await this.d.repo.claimNextDue(this.d.clock(), leaseMs)
      if (!o) break
      await this.check(o)
    }
    return done
  }

  /** 加密公钥更新查询 (95) on this instance alone: adopts a newer certificate once it chain-checks. */
  async refreshEncryptCert(): Promise<boolean> {
    const cert = await this.queryEncryptCert()
    return cert !== null && this.adoptEncryptCert(cert)
  }

  /**
   * 加密公钥更新查询 (95): the gateway's current encryption certificate once it chain-checks;
   * null when the query failed or the answer is not acceptable (logged).
   */
  async queryEncryptCert(): Promise<X509Certificate | null> {
    const { client, log } = this.d
    const a = await client.encryptCertQuery({ orderId: await this.newOrderId(), txnTime: client.txnTime() })
    const pem = a.fields.encryptPubKeyCert
    if (a.outcome !== 'success' || !pem) {
      log.warn({ respCode: a.respCode }, 'acp encryption certificate query failed')
      return null
    }
    const cert = loadCertificate(Buffer.from(pem, 'utf8'))
    if (!this.chainsNow(cert)) {
      log.error(
        'acp encryption certificate from the 95 answer does not chain to the configured middle certificate or is not valid now',
      )
      return null
    }
    return cert
  }

  /**
   * Uses `cert` for encryption from now on when it chains to the configured middle certificate, is
   * valid now and is not older than the one in use (a stale or replayed answer); true when it changed.
   */
  adoptEncryptCert(cert: X509Certificate): boolean {
    if (!this.chainsNow(cert)) return false
    if (Date.parse(cert.validFrom) < Date.parse(this.d.encryptCerts.current().cert.validFrom)) {
      this.d.log.warn('acp encryption certificate offered is older than the current one; kept the current one')
      return false
    }
    return this.d.encryptCerts.adopt(cert)
  }

  private chainsNow(cert: X509Certificate): boolean {
    const { middle } = this.d.config.trust
    const now = this.d.clock()
    return (
      cert.checkIssued(middle) &&
      cert.verify(middle.publicKey) &&
      now >= Date.parse(cert.validFrom) &&
      now <= Date.parse(cert.validTo)
    )
  }
}
