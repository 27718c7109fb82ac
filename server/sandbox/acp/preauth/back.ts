import type { FastifyReply } from 'fastify'
import type { BackHandler, GatewayTools } from '../gateway.ts'
import { braceFields } from '../nojump/customer-info.ts'
import { findCard } from '../nojump/cards.ts'
import type { SandboxTxn, TxnKind } from '../state.ts'
import { checkOrder, parseTxnTime, refuse, requireFields, RULES, type Refusal } from '../validate.ts'
import { settleDateOf } from '../file/zm.ts'

type Fields = Record<string, string>
const PATH = 'backTransReq'
const TOKEN_BIZ = '000902'
/** 预授权完成 may be up to 115 % of the hold (acpsdk demo: "范围为预授权金额的0-115%"). */
const COMPLETION_MAX_RATIO = 1.15
/** A hold is voided or completed within 30 days (acpsdk demos), else it is released. */
const HOLD_DAYS = 30

const KIND: Record<string, TxnKind> = {
  '02': 'preauth',
  '32': 'preauth_void',
  '03': 'completion',
  '33': 'completion_void',
}

/**
 * 预授权 on a token (bizType 000902), the sandbox's own rules: 02/01 hold on an active token (the
 * card's balance bounds it), 32/00 void of a standing hold (full amount, 30 days), 03/00
 * completion of a standing hold (≤ 115 %, 30 days, one at a time), 33/00 void of a completion on
 * its settle day (full amount) after which the hold stands again.
 */
export function preauthBackHandler(): BackHandler {
  /** hold queryId → its standing completion */
  const completionOf = new Map<string, SandboxTxn>()
  return (f, reply, tools) => {
    const kind = KIND[f.txnType ?? '']
    if (!kind || f.bizType !== TOKEN_BIZ) return null
    const s = tools.state
    const refused = (r: Refusal) => tools.refused(reply, PATH, f, r)
    const now = s.clock()
    const bad =
      requireFields(f, ['orderId', 'txnTime', 'txnAmt', 'backUrl', 'channelType']) ??
      checkOrder(f, now, { fresh: true, amount: true, backUrl: true })
    if (bad) return refused(bad)
    if (f.txnSubType !== (kind === 'preauth' ? '01' : '00'))
      return refused(refuse('32', `无此交易权限：交易子类须为${kind === 'preauth' ? '01' : '00'}`))
    if (tools.duplicate(f)) return refused(refuse('12', '重复交易：orderId当日已使用'))
    const amount = Number(f.txnAmt)

    if (kind === 'preauth') {
      const tpd = braceFields(f.tokenPayData)
      if (!tpd?.token || !tpd.trId) return refused(refuse('13', '报文交易要素缺失[tokenPayData={token=…&trId=…}]'))
      const t = s.nojump.active(f.merId!, tpd.token, tpd.trId)
      if (!t) return refused(refuse('40', '绑定关系检查失败：token无效或已解除'))
      const txn = tools.newTxn(f, 'preauth', { token: t.token })
      return money(f, reply, tools, txn, amount > (findCard(t.pan)?.balance ?? 0))
    }

    if (!RULES.queryId.test(f.origQryId ?? '')) return refused(refuse('13', '报文交易要素缺失[origQryId]'))
    const orig = s.byQueryId.get(f.origQryId!)
    const want: TxnKind = kind === 'completion_void' ? 'completion' : 'preauth'
    if (!orig || orig.merId !== f.merId || orig.kind !== want || orig.status !== 'success')
      return refused(refuse('35', '原交易不存在或状态不正确'))
    if (orig.voided) return refused(refuse('45', '原交易已被成功撤销'))

    if (kind === 'completion_void') {
      if (settleDateOf(orig.txnTime) !== settleDateOf(f.txnTime!))
        return refused(refuse('35', '原交易状态不正确：预授权完成撤销仅限当清算日'))
      if (amount !== orig.txnAmt) return refused(refuse('36', '与原交易信息不符：须为预授权完成金额全额撤销'))
      const txn = tools.newTxn(f, 'completion_void', {
        origQryId: orig.queryId,
        ...(orig.token ? { token: orig.token } : {}),
      })
      return money(f, reply, tools, txn, false, () => {
        orig.voided = true
        for (const [hold, c] of completionOf) if (c === orig) completionOf.delete(hold)
      })
    }

    // 32 and 03 act on a standing hold.
    if (now - parseTxnTime(orig.txnTime)! > HOLD_DAYS * 86_400_000)
      return refused(refuse('35', '原交易状态不正确：预授权已超过30天'))
    if (completionOf.has(orig.queryId)) return refused(refuse('35', '原交易状态不正确：预授权已完成'))
    if (kind === 'preauth_void') {
      if (amount !== orig.txnAmt) return refused(refuse('36', '与原交易信息不符：须为预授权金额全额撤销'))
      const txn = tools.newTxn(f, 'preauth_void', {
        origQryId: orig.queryId,
        ...(orig.token ? { token: orig.token } : {}),
      })
      return money(f, reply, tools, txn, false, () => (orig.voided = true))
    }
    if (amount > Math.floor(orig.txnAmt * COMPLETION_MAX_RATIO))
      return refused(refuse('36', '与原交易信息不符：预授权完成金额超过预授权金额的115%'))
    const txn = tools.newTxn(f, 'completion', { origQryId: orig.queryId, ...(orig.token ? { token: orig.token } : {}) })
    return money(f, reply, tools, txn, false, () => completionOf.set(orig.queryId, txn))
  }
}

/** Records the transaction and answers per the queued outcome (unknown / lost notification / insufficient). */
function money(
  f: Fields,
  reply: FastifyReply,
  tools: GatewayTools,
  txn: SandboxTxn,
  overBalance: boolean,
  onSuccess?: () => void,
): FastifyReply {
  const s = tools.state
  s.add(txn)
  const next = tools.nextOutcome()
  if (next === 'insufficient' || overBalance) {
    tools.settle(txn, false, '64', '卡上的余额不足')
    s.log.push({ path: PATH, txnType: f.txnType!, orderId: txn.orderId, respCode: '64' })
    return tools.answer(reply, f, { respCode: '64', respMsg: '卡上的余额不足' })
  }
  tools.settle(txn, true)
  onSuccess?.()
  if (next === 'unknown' || next === 'lost_notify') txn.dropNotify = true
  const code = next === 'unknown' ? '03' : '00'
  s.log.push({ path: PATH, txnType: f.txnType!, orderId: txn.orderId, respCode: code })
  void tools.notifier.send(txn)
  return tools.answer(
    reply,
    f,
    code === '00'
      ? { respCode: '00', respMsg: '成功[0000000]' }
      : { respCode: '03', respMsg: '交易通讯超时，请发起查询交易' },
  )
}
