import type { FastifyReply } from 'fastify'
import type { BackHandler, GatewayTools } from '../gateway.ts'
import type { SandboxTxn } from '../state.ts'
import { beijingDay, checkOrder, parseTxnTime, refuse, requireFields, type Refusal } from '../validate.ts'
import { findCard, maskPan, type TestCard } from './cards.ts'
import { braceFields, readAccNo, readCustomerInfo } from './customer-info.ts'
import { NojumpSandboxState, type SandboxToken } from './state.ts'

type Fields = Record<string, string>
const PATH = 'backTransReq'
export const TOKEN_BIZ = '000902'

/** What a sandbox token answers in `tokenPayData`. */
export function tokenPayDataOf(t: SandboxToken): string {
  return `{token=${t.token}&trId=${t.trId}&tokenType=01&tokenEnd=${t.tokenEnd}}`
}

/** The answer fields that name the opened card: masked accNo (our choice) and tokenPayData. */
export function openedFields(t: SandboxToken): Fields {
  return { accNo: maskPan(t.pan), tokenPayData: tokenPayDataOf(t) }
}

/** Reversal window: yesterday 23:00 to today 23:00 Beijing (seed 001 冲正), i.e. the Beijing day of t + 1 h. */
export function reversalDay(ms: number): string {
  return beijingDay(ms + 3600_000)
}

class Refused extends Error {
  constructor(readonly r: Refusal) {
    super(r.respMsg)
  }
}
const fail = (code: string, msg: string): never => {
  throw new Refused(refuse(code, msg))
}

/** Card holder checks of 开通: the phone always; CVN2 and expiry for a credit card. */
function checkHolder(card: TestCard, info: Fields, needCardSecrets: boolean): void {
  if (!info.phoneNo) fail('13', '报文交易要素缺失[customerInfo.phoneNo]')
  if (info.phoneNo !== card.phone) fail('01', '交易失败：手机号与发卡行预留手机号不符')
  if (needCardSecrets && card.kind === 'credit') {
    if (!info.cvn2 || !info.expired) fail('13', '报文交易要素缺失[customerInfo.cvn2,expired]')
    if (info.cvn2 !== card.cvn2 || info.expired !== card.expired) fail('65', '输入的密码、有效期或CVN2有误，交易失败')
  }
}

/**
 * The 无跳转 (token) back-end transactions of the sandbox gateway: 77 SMS (00 open, 02 consume),
 * 79 open (00 back open with SMS, 03 update, 05 token by orderId), 78/02 open query, 74/01
 * token removal, 01/01/000902 consume by token (`tokenPayData` with `trId`), 99 reversal.
 */
export function nojumpBackHandler(): BackHandler {
  return (f, reply, tools) => {
    const s = tools.state
    const nj = s.nojump
    const isToken = f.bizType === TOKEN_BIZ
    const tokenConsume = f.txnType === '01' && isToken && /[{&]trId=/.test(f.tokenPayData ?? '')
    const mine = (isToken && ['77', '79', '78', '74'].includes(f.txnType ?? '')) || tokenConsume || f.txnType === '99'
    if (!mine) return null
    try {
      const now = s.clock()
      if (f.txnType === '99') return reversal(f, reply, tools)
      const bad =
        requireFields(f, ['orderId', 'txnTime', 'channelType']) ??
        checkOrder(f, now, { fresh: true, amount: f.txnType === '01', backUrl: f.txnType === '01' })
      if (bad) throw new Refused(bad)
      const tpd = braceFields(f.tokenPayData)
      if (!tpd || !tpd.trId) fail('13', '报文交易要素缺失[tokenPayData={trId=…}]')
      const trId = tpd!.trId!
      const key = NojumpSandboxState.smsKey(f.merId!, f.orderId!, f.txnTime!)
      const encKey = () => s.acceptedEncrypt(f.encryptCertId ?? '')
      const info = (): Fields => {
        if (!f.customerInfo) fail('13', '报文交易要素缺失[customerInfo]')
        try {
          return readCustomerInfo(f.customerInfo!, encKey())
        } catch (e) {
          return fail('10', (e as Error).message)
        }
      }
      const card = (): TestCard => {
        if (!f.accNo) fail('13', '报文交易要素缺失[accNo]')
        let pan = ''
        try {
          pan = readAccNo(f.accNo!, encKey())
        } catch (e) {
          fail('10', (e as Error).message)
        }
        return findCard(pan) ?? fail('61', '输入的卡号无效，请确认后输入')
      }
      const token = (): SandboxToken =>
        nj.active(f.merId!, tpd!.token ?? '', trId) ?? fail('40', '绑定关系检查失败：token无效或已解除')
      const ok = (extra: Fields = {}) => {
        s.log.push({ path: PATH, txnType: f.txnType!, orderId: f.orderId!, respCode: '00' })
        return tools.answer(reply, f, { respCode: '00', respMsg: '成功[0000000]', ...extra })
      }

      if (f.txnType === '77') {
        if (f.txnSubType === '00') {
          const c = card()
          const i = info()
          checkHolder(c, i, false)
          nj.sendSms(key, { purpose: 'open', phone: c.phone, pan: c.pan })
          return ok()
        }
        if (f.txnSubType === '02') {
          if (!/^[1-9]\d{0,11}$/.test(f.txnAmt ?? '')) fail('10', 'txnAmt格式错误：以分为单位的正整数')
          const t = token()
          const c = findCard(t.pan)!
          nj.sendSms(key, { purpose: 'consume', phone: c.phone, token: t.token, txnAmt: Number(f.txnAmt) })
          return ok()
        }
        return fail('32', '无此交易权限：短信交易子类须为00（开通）或02（消费）')
      }

      if (f.txnType === '79') {
        if (f.txnSubType === '00') {
          const c = card()
          if (c.kind !== 'credit') fail('60', '交易失败：后台开通仅支持信用卡，借记卡请使用前台开通')
          const i = info()
          checkHolder(c, i, true)
          const why = nj.checkSms(key, 'open', i.smsCode)
          if (why) fail('01', `交易失败：${why}`)
          const sms = nj.sms.get(key)
          if (sms?.pan !== c.pan) fail('01', '交易失败：短信验证码与卡号不符')
          const t = nj.open(c, { merId: f.merId!, trId, via: 'back', openKey: key })
          return ok(openedFields(t))
        }
        if (f.txnSubType === '03') {
          const t = token()
          const c = findCard(t.pan)!
          checkHolder(c, info(), true)
          nj.tokens.delete(t.token)
          t.token = nj.newToken()
          nj.tokens.set(t.token, t)
          return ok(openedFields(t))
        }
        if (f.txnSubType === '05') {
          const t = nj.opens.get(key)
          if (!t || t.via !== 'open_pay') fail('35', '原交易不存在或状态不正确：该订单不是开通并支付交易')
          if (t!.status !== 'active') fail('40', '绑定关系检查失败：token已解除')
          return ok(openedFields(t!))
        }
        return fail('32', '无此交易权限：开通交易子类须为00、03或05')
      }

      if (f.txnType === '78') {
        if (f.txnSubType !== '02') fail('32', '无此交易权限：开通查询交易子类须为02')
        const t = nj.opens.get(key)
        if (!t) {
          const pending = [...nj.pendingFront.values()].some(
            (p) => p.fields.orderId === f.orderId && p.fields.txnTime === f.txnTime,
          )
          return pending ? fail('05', '交易已受理，请稍后查询交易结果') : fail('34', '查无此交易')
        }
        return ok({ ...openedFields(t!), activateStatus: t!.status === 'active' ? '1' : '0' })
      }

      if (f.txnType === '74') {
        if (f.txnSubType !== '01') fail('32', '无此交易权限：解除标记交易子类须为01')
        const t = token()
        t.status = 'deleted'
        return ok()
      }

      // 01/01/000902 consume by token: token + SMS code (same orderId, txnTime and amount as the SMS).
      if (f.txnSubType !== '01') fail('32', '无此交易权限：消费交易子类须为01')
      if (tools.duplicate(f)) fail('12', '重复交易：orderId当日已使用')
      const t = token()
      const i = info()
      const sms = nj.sms.get(key)
      const why = nj.checkSms(key, 'consume', i.smsCode)
      if (why) fail('01', `交易失败：${why}`)
      if (sms?.token !== t.token || sms.txnAmt !== Number(f.txnAmt))
        fail('36', '与原交易信息不符：短信验证码对应的token或金额不同')
      const c = findCard(t.pan)!
      return money(f, reply, tools, t, c)
    } catch (e) {
      if (e instanceof Refused) return tools.refused(reply, PATH, f, e.r)
      throw e
    }
  }
}

function money(f: Fields, reply: FastifyReply, tools: GatewayTools, t: SandboxToken, c: TestCard): FastifyReply {
  const s = tools.state
  const txn = tools.newTxn(f, 'token_consume', { token: t.token })
  s.add(txn)
  const next = tools.nextOutcome()
  const amount = Number(f.txnAmt)
  if (next === 'insufficient' || amount > c.balance) {
    tools.settle(txn, false, '64', '卡上的余额不足')
    s.log.push({ path: PATH, txnType: '01', orderId: txn.orderId, respCode: '64' })
    return tools.answer(reply, f, { respCode: '64', respMsg: '卡上的余额不足' })
  }
  tools.settle(txn, true)
  if (next === 'unknown' || next === 'lost_notify') txn.dropNotify = true
  const code = next === 'unknown' ? '03' : '00'
  s.log.push({ path: PATH, txnType: '01', orderId: txn.orderId, respCode: code })
  void tools.notifier.send(txn)
  return tools.answer(
    reply,
    f,
    code === '00'
      ? { respCode: '00', respMsg: '成功[0000000]' }
      : { respCode: '03', respMsg: '交易通讯超时，请发起查询交易' },
  )
}

/**
 * 99 冲正: the original's orderId and txnTime, only within the original's window (yesterday
 * 23:00 to today 23:00); the original is then undone (a query answers it failed). A repeated
 * reversal answers 00 again.
 */
function reversal(f: Fields, reply: FastifyReply, tools: GatewayTools): FastifyReply {
  const s = tools.state
  if (f.txnSubType !== '01') fail('32', '无此交易权限：冲正交易子类须为01')
  const bad =
    requireFields(f, ['orderId', 'txnTime']) ??
    checkOrder(f, s.clock(), { fresh: false, amount: false, backUrl: false })
  if (bad) throw new Refused(bad)
  const orig: SandboxTxn | undefined = s.txns.get(`${f.merId}:${f.txnTime!.slice(0, 8)}:${f.orderId}`)
  if (!orig || orig.merId !== f.merId || !['token_consume', 'contract_consume'].includes(orig.kind))
    fail('35', '原交易不存在或状态不正确')
  if (orig!.voided || orig!.refundedAmt > 0) fail('35', '原交易已撤销或退货，不能冲正')
  if (reversalDay(parseTxnTime(orig!.txnTime)!) !== reversalDay(s.clock()))
    fail('39', '交易不在受理时间范围内：冲正须在原交易当日（昨日23:00至本日23:00）')
  if (!orig!.reversed) {
    orig!.reversed = true
    tools.settle(orig!, false, '01', '交易失败：原交易已冲正')
  }
  s.log.push({ path: PATH, txnType: '99', orderId: orig!.orderId, respCode: '00' })
  return tools.answer(reply, f, { respCode: '00', respMsg: '成功[0000000]', origQryId: orig!.queryId })
}
