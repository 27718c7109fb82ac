import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { sandboxSign } from '../crypto.ts'
import type { GatewayTools } from '../gateway.ts'
import { checkOrder, refuse, requireFields, type Refusal } from '../validate.ts'
import { openedFields, TOKEN_BIZ } from './back.ts'
import { bankFormPage, bankResultPage } from './bank-page.ts'
import { findCard, maskPan } from './cards.ts'
import { braceFields, readAccNo } from './customer-info.ts'
import { NojumpSandboxState } from './state.ts'

type Fields = Record<string, string>
const FRONT_TTL_MS = 30 * 60_000

const html = (reply: FastifyReply, status: number, page: string) =>
  reply.status(status).type('text/html; charset=utf-8').send(page)

/** Which front transaction a request is: 79/00 front open, or 01/01 open-and-pay (token product). */
function frontKind(f: Fields): 'open' | 'open_pay' | null {
  if (f.bizType !== TOKEN_BIZ) return null
  if (f.txnType === '79' && f.txnSubType === '00') return 'open'
  if (f.txnType === '01' && f.txnSubType === '01') return 'open_pay'
  return null
}

/**
 * `frontTransReq.do`: the browser arrives with the merchant's signed form (front open 79/00 or
 * open-and-pay 01/01/000902); the simulated bank page asks for the card, phone, CVN2/expiry and
 * an SMS code; then the gateway opens the card (and pays), notifies `backUrl`, and the buyer taps
 * 返回商户, which posts the signed result to `frontUrl`.
 */
export function registerNojumpFront(app: FastifyInstance, tools: GatewayTools): void {
  const s = tools.state
  const nj = s.nojump

  const refusedPage = (reply: FastifyReply, r: Refusal) =>
    html(reply, 400, bankResultPage(false, `${r.respCode} ${r.respMsg}`, '#', {}))

  app.post('/gateway/api/frontTransReq.do', async (req, reply) => {
    const e = tools.envelope(req.body)
    if ('bad' in e) return refusedPage(reply, e.bad)
    const f = e.f
    const kind = frontKind(f)
    if (!kind)
      return refusedPage(reply, refuse('32', '无此交易权限：前台仅受理开通(79/00)和开通并支付(01/01)，bizType 000902'))
    const bad =
      requireFields(f, ['orderId', 'txnTime', 'frontUrl', 'backUrl', 'tokenPayData']) ??
      checkOrder(f, s.clock(), { fresh: true, amount: kind === 'open_pay', backUrl: true })
    if (bad) return refusedPage(reply, bad)
    if (!/^https?:\/\/\S+$/.test(f.frontUrl ?? '')) return refusedPage(reply, refuse('10', 'frontUrl格式错误'))
    if (!braceFields(f.tokenPayData)?.trId)
      return refusedPage(reply, refuse('13', '报文交易要素缺失[tokenPayData.trId]'))
    if (tools.duplicate(f)) return refusedPage(reply, refuse('12', '重复交易：orderId当日已使用'))
    let pan = ''
    if (f.accNo) {
      try {
        pan = readAccNo(f.accNo, s.acceptedEncrypt(f.encryptCertId ?? ''))
      } catch (err) {
        return refusedPage(reply, refuse('10', (err as Error).message))
      }
    }
    const ref = randomBytes(12).toString('hex')
    nj.pendingFront.set(ref, { fields: f, createdAt: s.clock() })
    s.log.push({ path: 'frontTransReq', txnType: f.txnType!, orderId: f.orderId!, respCode: '00' })
    return html(reply, 200, form(ref, f, { pan, phone: '', cvn2: '', expired: '' }, null, null))
  })

  const form = (
    ref: string,
    f: Fields,
    values: { pan: string; phone: string; cvn2: string; expired: string },
    sms: { code: string; phone: string } | null,
    error: string | null,
  ) =>
    bankFormPage({
      action: `./../../nojump/bank/${ref}`,
      title: frontKind(f) === 'open' ? '开通银联无跳转支付' : '开通并支付',
      merchant: `商户 ${f.merId}`,
      amount: frontKind(f) === 'open_pay' ? Number(f.txnAmt) : null,
      values,
      sms,
      error,
    })

  app.post('/nojump/bank/:ref', async (req, reply) => {
    const ref = (req.params as { ref: string }).ref
    const pending = nj.pendingFront.get(ref)
    if (!pending || s.clock() - pending.createdAt > FRONT_TTL_MS)
      return html(reply, 404, bankResultPage(false, '页面已过期，请回到商户重新发起', '#', {}))
    const f = pending.fields
    const b = (req.body ?? {}) as Record<string, unknown>
    const v = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '')
    const values = { pan: v('pan'), phone: v('phone'), cvn2: v('cvn2'), expired: v('expired') }
    const key = NojumpSandboxState.smsKey(f.merId!, f.orderId!, f.txnTime!)
    const step = v('step')
    const finish = (ok: boolean, respCode: string, respMsg: string, extra: Fields, message: string) => {
      nj.pendingFront.delete(ref)
      const result: Fields = {
        version: '5.1.0',
        encoding: 'UTF-8',
        signMethod: '01',
        accessType: '0',
        merId: f.merId!,
        orderId: f.orderId!,
        txnTime: f.txnTime!,
        txnType: f.txnType!,
        txnSubType: f.txnSubType!,
        bizType: f.bizType!,
        respCode,
        respMsg,
        ...extra,
        signPubKeyCert: s.pki.signCertPem,
      }
      return html(
        reply,
        200,
        bankResultPage(ok, message, f.frontUrl!, { ...result, signature: sandboxSign(result, s.pki.signKeyPem) }),
      )
    }
    if (step === 'cancel') return finish(false, '01', '交易失败：持卡人取消', {}, '已取消，未开通')
    const card = findCard(values.pan)
    const again = (error: string, withSms = false) => {
      const sms = withSms ? nj.sms.get(key) : undefined
      return html(reply, 200, form(ref, f, values, sms ? { code: sms.code, phone: maskPhone(sms.phone) } : null, error))
    }
    if (!card) return again('卡号无效，请确认后输入（沙箱测试卡见绑卡支付页）')
    if (values.phone !== card.phone) return again('手机号与银行预留手机号不符')
    if (card.kind === 'credit' && (values.cvn2 !== card.cvn2 || values.expired !== card.expired))
      return again('CVN2 或有效期有误')
    if (step === 'sms') {
      const sms = nj.sendSms(key, { purpose: 'open', phone: card.phone, pan: card.pan })
      return html(reply, 200, form(ref, f, values, { code: sms.code, phone: maskPhone(sms.phone) }, null))
    }
    const sent = nj.sms.get(key)
    if (sent?.pan !== card.pan) return again('请先获取短信验证码')
    const why = nj.checkSms(key, 'open', v('smsCode'))
    if (why) return again(why, true)
    const trId = braceFields(f.tokenPayData)!.trId!
    const kind = frontKind(f)!
    if (kind === 'open') {
      const t = nj.open(card, { merId: f.merId!, trId, via: 'front', openKey: key })
      const txn = tools.newTxn(f, 'token_open', { token: t.token, txnAmt: 0, notifyExtra: openedFields(t) })
      s.add(txn)
      tools.settle(txn, true)
      void tools.notifier.send(txn)
      return finish(true, '00', '成功[0000000]', openedFields(t), `已开通 ${maskPan(card.pan)}`)
    }
    const amount = Number(f.txnAmt)
    const txn = tools.newTxn(f, 'token_consume', {})
    s.add(txn)
    if (amount > card.balance) {
      tools.settle(txn, false, '64', '卡上的余额不足')
      void tools.notifier.send(txn)
      return finish(
        false,
        '64',
        '卡上的余额不足',
        { queryId: txn.queryId, txnAmt: f.txnAmt! },
        '卡上的余额不足，未支付',
      )
    }
    const t = nj.open(card, { merId: f.merId!, trId, via: 'open_pay', openKey: key })
    txn.token = t.token
    tools.settle(txn, true)
    void tools.notifier.send(txn)
    return finish(
      true,
      '00',
      '成功[0000000]',
      { queryId: txn.queryId, txnAmt: f.txnAmt!, accNo: maskPan(card.pan) },
      `已支付 ¥${(amount / 100).toFixed(2)}，${maskPan(card.pan)} 已开通`,
    )
  })
}

const maskPhone = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`
