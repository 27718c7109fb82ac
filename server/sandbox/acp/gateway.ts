import type { FastifyInstance, FastifyReply } from 'fastify'
import { rawAnswer, sandboxDecrypt, sandboxSign, sandboxVerify } from './crypto.ts'
import { AcpNotifier } from './notifier.ts'
import { AcpSandboxState, type NextOutcome, type SandboxTxn, type TxnKind } from './state.ts'
import { beijingDay, checkOrder, parseTxnTime, refuse, requireFields, RULES, type Refusal } from './validate.ts'

export interface AcpSandboxOptions {
  state: AcpSandboxState
  /** Whether a 无感支付 contract is signed and usable (the 开放平台 sandbox knows). */
  contractActive(contractId: string): boolean
  /**
   * Other products' back-end transactions (无跳转 tokens, pre-authorisation …): each is asked
   * first, after the envelope (form, merchant, signature) is checked, and answers or returns null.
   */
  backHandlers?: readonly BackHandler[]
  /** Routes of other products mounted beside the gateway (front-end pages), given the same tools. */
  extraRoutes?: readonly ((app: FastifyInstance, tools: GatewayTools) => void)[]
}

type Fields = Record<string, string>

/** What the gateway lends to other products' handlers so every answer is shaped and signed one way. */
export interface GatewayTools {
  state: AcpSandboxState
  notifier: AcpNotifier
  answer(reply: FastifyReply, req: Fields, a: Fields): FastifyReply
  refused(reply: FastifyReply, path: string, req: Fields, r: Refusal): FastifyReply
  envelope(body: unknown): { f: Fields } | { f: Fields; bad: Refusal }
  newTxn(f: Fields, kind: TxnKind, extra: Partial<SandboxTxn>): SandboxTxn
  settle(t: SandboxTxn, ok: boolean, respCode?: string, respMsg?: string): void
  nextOutcome(): NextOutcome | undefined
  duplicate(f: Fields): boolean
}

export type BackHandler = (
  f: Fields,
  reply: FastifyReply,
  tools: GatewayTools,
) => FastifyReply | null | Promise<FastifyReply | null>

/** Consumes that void (31) and refund (04) may point at. */
const CONSUME_KINDS: ReadonlySet<TxnKind> = new Set(['app_consume', 'contract_consume', 'token_consume'])
const COMMON = [
  'version',
  'encoding',
  'signMethod',
  'accessType',
  'merId',
  'certId',
  'signature',
  'txnType',
  'txnSubType',
  'bizType',
] as const
const ECHO = [
  'version',
  'encoding',
  'signMethod',
  'accessType',
  'merId',
  'orderId',
  'txnTime',
  'txnType',
  'txnSubType',
  'bizType',
  'txnAmt',
  'currencyCode',
  'reqReserved',
] as const

/** Form bodies only, one value per key. */
function formFields(body: unknown): { f: Fields; bad?: Refusal } {
  if (!body || typeof body !== 'object')
    return { f: {}, bad: refuse('10', '报文格式错误：须为application/x-www-form-urlencoded') }
  const out: Fields = {}
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v !== 'string') return { f: {}, bad: refuse('10', `报文格式错误：${k}重复或不是字符串`) }
    out[k] = v
  }
  return { f: out }
}

/**
 * The simulated 全渠道 gateway (`/gateway/api/*.do`), the tn pay step used by the upsdk stub's
 * pay sheet, and `/__control/*` for tests and the demo. See server/sandbox/acp/README.md.
 */
export function registerAcpGateway(app: FastifyInstance, o: AcpSandboxOptions): AcpNotifier {
  const s = o.state
  const notifier = new AcpNotifier(s)
  app.addHook('onClose', async () => notifier.close())

  const answer = (reply: FastifyReply, req: Fields, a: Fields) => {
    const f: Fields = {}
    for (const k of ECHO) if (req[k] !== undefined && req[k] !== '') f[k] = req[k]
    Object.assign(f, a, { signPubKeyCert: s.pki.signCertPem })
    if (!f.version) f.version = '5.1.0'
    if (!f.signMethod) f.signMethod = '01'
    f.signature = sandboxSign(f, s.pki.signKeyPem)
    return reply.type('text/plain; charset=UTF-8').send(rawAnswer(f))
  }
  const refused = (reply: FastifyReply, path: string, req: Fields, r: Refusal) => {
    s.log.push({ path, txnType: req.txnType ?? '', orderId: req.orderId ?? '', respCode: r.respCode })
    return answer(reply, req, { respCode: r.respCode, respMsg: r.respMsg })
  }

  /** Checks common to every request: the form, the fields, the merchant, the signature. */
  const envelope = (body: unknown): { f: Fields } | { f: Fields; bad: Refusal } => {
    const form = formFields(body)
    if (form.bad) return { f: form.f, bad: form.bad }
    const fields = form.f
    const missing = requireFields(fields, COMMON)
    if (missing) return { f: fields, bad: missing }
    if (fields.version !== '5.1.0') return { f: fields, bad: refuse('10', 'version仅支持5.1.0') }
    if ((fields.encoding ?? '').toUpperCase() !== 'UTF-8')
      return { f: fields, bad: refuse('10', 'encoding仅支持UTF-8') }
    if (fields.signMethod !== '01') return { f: fields, bad: refuse('10', 'signMethod仅支持01') }
    if (fields.accessType !== '0') return { f: fields, bad: refuse('10', 'accessType仅支持0（商户直连）') }
    if (fields.merId !== s.merId) return { f: fields, bad: refuse('31', '商户状态不正确：未知的merId') }
    if (fields.certId !== s.merchantKey.certId)
      return { f: fields, bad: refuse('11', '验证签名失败：certId不是该商户的签名证书') }
    if (!sandboxVerify(fields, s.merchantKey.publicKey)) return { f: fields, bad: refuse('11', '验证签名失败') }
    return { f: fields }
  }

  const nextOutcome = (): NextOutcome | undefined => s.next.shift()

  const newTxn = (f: Fields, kind: TxnKind, extra: Partial<SandboxTxn>): SandboxTxn => ({
    kind,
    merId: f.merId!,
    orderId: f.orderId!,
    txnTime: f.txnTime!,
    txnType: f.txnType!,
    txnSubType: f.txnSubType!,
    bizType: f.bizType!,
    txnAmt: Number(f.txnAmt),
    queryId: s.newQueryId(),
    status: 'pending',
    respCode: '',
    respMsg: '',
    backUrl: f.backUrl ?? '',
    reqReserved: f.reqReserved ?? '',
    refundedAmt: 0,
    voided: false,
    notified: false,
    notifyAttempts: 0,
    dropNotify: false,
    ...extra,
  })

  const duplicate = (f: Fields) => s.txns.has(AcpSandboxState.key(f.merId!, f.orderId!, f.txnTime!))

  const settle = (
    t: SandboxTxn,
    ok: boolean,
    respCode = ok ? '00' : '01',
    respMsg = ok ? '成功[0000000]' : '交易失败',
  ) => {
    t.status = ok ? 'success' : 'failed'
    t.respCode = respCode
    t.respMsg = respMsg
  }

  const tools: GatewayTools = {
    state: s,
    notifier,
    answer,
    refused,
    envelope,
    newTxn,
    settle,
    nextOutcome,
    duplicate,
  }
  for (const add of o.extraRoutes ?? []) add(app, tools)

  // --- 手机控件 consume: a tn ------------------------------------------------------------------
  app.post('/gateway/api/appTransReq.do', async (req, reply) => {
    const path = 'appTransReq'
    const e = envelope(req.body)
    if ('bad' in e) return refused(reply, path, e.f, e.bad)
    const f = e.f
    if (f.txnType !== '01' || f.txnSubType !== '01' || f.bizType !== '000201')
      return refused(reply, path, f, refuse('32', '无此交易权限：appTransReq仅受理消费(01/01/000201)'))
    const bad =
      requireFields(f, ['orderId', 'txnTime', 'txnAmt', 'currencyCode', 'backUrl', 'channelType']) ??
      checkOrder(f, s.clock(), { fresh: true, amount: true, backUrl: true })
    if (bad) return refused(reply, path, f, bad)
    if (f.channelType !== '08') return refused(reply, path, f, refuse('10', 'channelType须为08（移动）'))
    if (duplicate(f)) return refused(reply, path, f, refuse('12', '重复交易：orderId当日已使用'))
    const t = newTxn(f, 'app_consume', { tn: s.newTn() })
    s.add(t)
    s.log.push({ path, txnType: '01', orderId: t.orderId, respCode: '00' })
    return answer(reply, f, { respCode: '00', respMsg: '成功[0000000]', tn: t.tn! })
  })

  // --- back-end transactions ----------------------------------------------------------------------
  app.post('/gateway/api/backTransReq.do', async (req, reply) => {
    const path = 'backTransReq'
    const e = envelope(req.body)
    if ('bad' in e) return refused(reply, path, e.f, e.bad)
    const f = e.f
    const now = s.clock()
    for (const h of o.backHandlers ?? []) {
      const handled = await h(f, reply, tools)
      if (handled) return handled
    }

    if (f.txnType === '95') {
      const bad =
        requireFields(f, ['orderId', 'txnTime', 'certType']) ??
        checkOrder(f, now, { fresh: true, amount: false, backUrl: false })
      if (bad) return refused(reply, path, f, bad)
      if (f.certType !== '01') return refused(reply, path, f, refuse('10', 'certType仅支持01（敏感信息加密公钥）'))
      s.log.push({ path, txnType: '95', orderId: f.orderId!, respCode: '00' })
      return answer(reply, f, {
        respCode: '00',
        respMsg: '成功[0000000]',
        certType: '01',
        encryptPubKeyCert: s.currentEncrypt().certPem,
      })
    }

    const base =
      requireFields(f, ['orderId', 'txnTime', 'txnAmt', 'backUrl']) ??
      checkOrder(f, now, { fresh: true, amount: true, backUrl: true })
    if (base) return refused(reply, path, f, base)
    if (duplicate(f)) return refused(reply, path, f, refuse('12', '重复交易：orderId当日已使用'))
    const amount = Number(f.txnAmt)

    if (f.txnType === '01') {
      if (f.txnSubType !== '01' || f.bizType !== '000902')
        return refused(reply, path, f, refuse('32', '无此交易权限：后台消费须为01/01/000902'))
      const token = /^\{token=([^&{}]+)\}$/.exec(f.tokenPayData ?? '')?.[1]
      if (!token) return refused(reply, path, f, refuse('13', '报文交易要素缺失[tokenPayData={token=签约协议号}]'))
      if (f.accNo) {
        const k = s.acceptedEncrypt(f.encryptCertId ?? '')
        if (!k) return refused(reply, path, f, refuse('10', 'encryptCertId不是当前或并行期内的加密证书'))
        try {
          if (!/^\d{12,19}$/.test(sandboxDecrypt(f.accNo, k.keyPem))) throw new Error('bad')
        } catch {
          return refused(reply, path, f, refuse('10', 'accNo解密失败'))
        }
      }
      if (!o.contractActive(token))
        return refused(reply, path, f, refuse('40', '绑定关系检查失败：签约协议号无效或已解约'))
      const t = newTxn(f, 'contract_consume', { contractId: token })
      s.add(t)
      const next = nextOutcome()
      if (next === 'insufficient') {
        settle(t, false, '64', '卡上的余额不足')
        s.log.push({ path, txnType: '01', orderId: t.orderId, respCode: '64' })
        return answer(reply, f, { respCode: '64', respMsg: '卡上的余额不足' })
      }
      settle(t, true)
      if (next === 'unknown' || next === 'lost_notify') t.dropNotify = true
      const code = next === 'unknown' ? '03' : '00'
      s.log.push({ path, txnType: '01', orderId: t.orderId, respCode: code })
      void notifier.send(t)
      return answer(
        reply,
        f,
        code === '00'
          ? { respCode: '00', respMsg: '成功[0000000]' }
          : { respCode: '03', respMsg: '交易通讯超时，请发起查询交易' },
      )
    }

    if (f.txnType === '31' || f.txnType === '04') {
      if (f.txnSubType !== '00' || (f.bizType !== '000201' && f.bizType !== '000902'))
        return refused(reply, path, f, refuse('32', '无此交易权限：撤销/退货须为00/000201或00/000902'))
      if (!RULES.queryId.test(f.origQryId ?? ''))
        return refused(reply, path, f, refuse('13', '报文交易要素缺失[origQryId]'))
      const orig = s.byQueryId.get(f.origQryId!)
      if (!orig || orig.merId !== f.merId || !CONSUME_KINDS.has(orig.kind) || orig.status !== 'success')
        return refused(reply, path, f, refuse('35', '原交易不存在或状态不正确'))
      if (orig.voided) return refused(reply, path, f, refuse('45', '原交易已被成功退货或已被成功撤销'))
      if (f.txnType === '31') {
        if (beijingDay(parseTxnTime(orig.txnTime)!) !== beijingDay(now))
          return refused(reply, path, f, refuse('35', '原交易状态不正确：撤销仅限当日交易，请发起退货'))
        if (orig.refundedAmt > 0) return refused(reply, path, f, refuse('35', '原交易已部分退货，不能撤销'))
        if (amount !== orig.txnAmt)
          return refused(reply, path, f, refuse('36', '与原交易信息不符：撤销金额须等于原交易金额'))
      } else if (amount > orig.txnAmt - orig.refundedAmt) {
        return refused(reply, path, f, refuse('36', '与原交易信息不符：退货金额超过可退金额'))
      }
      const t = newTxn(f, f.txnType === '31' ? 'void' : 'refund', { origQryId: orig.queryId })
      s.add(t)
      const next = nextOutcome()
      settle(t, true)
      if (f.txnType === '31') orig.voided = true
      else orig.refundedAmt += amount
      if (next === 'unknown' || next === 'lost_notify') t.dropNotify = true
      const code = next === 'unknown' ? '03' : '00'
      s.log.push({ path, txnType: f.txnType, orderId: t.orderId, respCode: code })
      void notifier.send(t)
      return answer(reply, f, {
        respCode: code,
        respMsg: code === '00' ? '成功[0000000]' : '交易通讯超时，请发起查询交易',
      })
    }

    return refused(reply, path, f, refuse('32', `无此交易权限：txnType ${f.txnType}`))
  })

  // --- status query -------------------------------------------------------------------------------
  app.post('/gateway/api/queryTrans.do', async (req, reply) => {
    const path = 'queryTrans'
    const e = envelope(req.body)
    if ('bad' in e) return refused(reply, path, e.f, e.bad)
    const f = e.f
    if (f.txnType !== '00' || f.txnSubType !== '00' || f.bizType !== '000000')
      return refused(reply, path, f, refuse('32', '无此交易权限：查询须为00/00/000000'))
    const bad =
      requireFields(f, ['orderId', 'txnTime']) ??
      checkOrder(f, s.clock(), { fresh: false, amount: false, backUrl: false })
    if (bad) return refused(reply, path, f, bad)
    const t = s.txns.get(AcpSandboxState.key(f.merId!, f.orderId!, f.txnTime!))
    if (!t) return refused(reply, path, f, refuse('34', '查无此交易'))
    s.log.push({ path, txnType: '00', orderId: t.orderId, respCode: '00' })
    const orig: Fields =
      t.status === 'pending'
        ? { origRespCode: '05', origRespMsg: '交易已受理，请稍后查询交易结果' }
        : { origRespCode: t.respCode, origRespMsg: t.respMsg }
    return answer(reply, f, {
      respCode: '00',
      respMsg: '成功[0000000]',
      ...orig,
      queryId: t.queryId,
      txnAmt: String(t.txnAmt),
      currencyCode: '156',
      ...(t.origQryId ? { origQryId: t.origQryId } : {}),
      settleAmt: String(t.txnAmt),
      settleDate: t.txnTime.slice(4, 8),
      traceNo: t.queryId.slice(-6),
    })
  })

  // --- the pay sheet of the upsdk stub: the buyer pays (or not) a tn --------------------------
  const payTn = async (tn: string, outcome: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const t = s.byTn.get(tn)
    if (!t) return { status: 404, body: { ok: false, msg: 'TN号不合法' } }
    if (outcome !== 'success') return { status: 200, body: { ok: true, status: t.status } }
    if (t.status !== 'pending') return { status: 409, body: { ok: false, msg: '订单已支付' } }
    const next = nextOutcome()
    if (next === 'insufficient') {
      settle(t, false, '64', '卡上的余额不足')
      return { status: 402, body: { ok: false, msg: '卡上的余额不足', status: t.status } }
    }
    settle(t, true)
    if (next === 'unknown' || next === 'lost_notify') t.dropNotify = true
    // The first attempt is awaited so a demo's result page usually sees it; the page never relies on it.
    await notifier.send(t)
    return { status: 200, body: { ok: true, status: t.status } }
  }
  app.post('/tn/pay', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>
    const r = await payTn(typeof b.tn === 'string' ? b.tn : '', String(b.outcome ?? ''))
    return reply.status(r.status).send(r.body)
  })
  app.get('/tn/:tn', async (req, reply) => {
    const t = s.byTn.get((req.params as { tn: string }).tn)
    if (!t) return reply.status(404).send({ ok: false, msg: 'TN号不合法' })
    return { tn: t.tn, orderId: t.orderId, txnAmt: t.txnAmt, status: t.status, merchant: '全渠道沙箱商户' }
  })

  // --- control ---------------------------------------------------------------------------------
  app.post('/__control/next', async (req, reply) => {
    const outcome = String(((req.body ?? {}) as Record<string, unknown>).outcome ?? '')
    if (outcome !== 'unknown' && outcome !== 'lost_notify' && outcome !== 'insufficient')
      return reply.status(400).send({ error: 'outcome must be unknown, lost_notify or insufficient' })
    s.next.push(outcome)
    return { ok: true, queued: s.next.length }
  })
  app.post('/__control/rotate-encrypt-cert', async () => ({ ok: true, certId: s.rotateEncrypt().certId }))
  app.get('/__control/txns/:orderId', async (req, reply) => {
    const id = (req.params as { orderId: string }).orderId
    const list = [...s.txns.values()].filter((t) => t.orderId === id)
    if (!list.length) return reply.status(404).send({ error: 'NO_TXN' })
    return list.map(({ backUrl: _b, ...t }) => t)
  })
  /** Sends a transaction's notification again even if delivered (replays; a lost one found). */
  app.post('/__control/notify/resend', async (req, reply) => {
    const id = String(((req.body ?? {}) as Record<string, unknown>).orderId ?? '')
    const t = [...s.txns.values()].find((x) => x.orderId === id && x.status !== 'pending')
    if (!t) return reply.status(404).send({ error: 'NO_TXN' })
    return { ok: await notifier.send(t, { force: true }) }
  })
  app.post('/__control/notify/flush', async () => ({ ok: true, sent: await notifier.flush() }))
  app.get('/__control/log', async () => s.log)

  s.payTn = payTn
  return notifier
}
