import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context.ts'
import { beijingDashed } from '../crypto/time.ts'
import { checkBodySig, parseJsonObject } from './auth.ts'
import { refundSplitProblem, type RefundSplit } from './division.ts'
import type { Notifier } from './notifier.ts'
import { digits, type SandboxOrder } from './state.ts'
import {
  checkCommon,
  checkMerOrderId,
  checkOwnUrl,
  gwError,
  readShares,
  toAmount,
  type GatewayError,
} from './validate.ts'

type Reply = Record<string, unknown>
type Handler = (c: Record<string, unknown>) => Reply | GatewayError | Promise<Reply | GatewayError>

/** The OPEN-BODY-SIG APIs of seed 1.2–1.7, plus the sandbox tn issuer `uac/app-order`. */
export function registerGatewayApis(app: FastifyInstance, ctx: SandboxContext, notifier: Notifier): void {
  const state = ctx.chinaums
  // The body stays the exact text: the signature covers it byte for byte.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    done(null, typeof body === 'string' ? body : body.toString('utf8'))
  })

  const orderOf = (c: Record<string, unknown>): SandboxOrder | GatewayError => {
    const bad = checkMerOrderId(c.merOrderId)
    if (bad) return bad
    const o = state.orders.get(c.merOrderId as string)
    if (!o) return gwError('NO_ORDER', '找不到请求的原始订单')
    // Like the real gateway, an unpaid order past its expireTime is closed.
    if (o.status === 'WAIT_BUYER_PAY' && o.expireAt !== undefined && ctx.clock() > o.expireAt) o.status = 'TRADE_CLOSED'
    return o
  }

  const orderReply = (o: SandboxOrder): Reply => ({
    merOrderId: o.merOrderId,
    status: o.status,
    totalAmount: o.totalAmount,
    seqId: o.seqId,
    settleRefId: o.seqId,
    targetSys: o.targetSys,
    merName: '银商沙箱商户',
    ...(o.targetOrderId ? { targetOrderId: o.targetOrderId } : {}),
    ...(o.payTime
      ? {
          payTime: o.payTime,
          settleDate: o.payTime.slice(0, 10),
          buyerPayAmount: o.totalAmount,
          invoiceAmount: o.totalAmount,
        }
      : {}),
    billFunds: o.payTime ? `余额:${o.totalAmount}` : '',
    billFundsDesc: o.payTime ? `余额支付${(o.totalAmount / 100).toFixed(2)}元。` : '',
    ...(o.secureStatus ? { secureStatus: o.secureStatus, completeAmount: o.completedAmount } : {}),
  })

  const apis: Record<string, Handler> = {
    query(c) {
      const o = orderOf(c)
      return 'errCode' in o ? o : orderReply(o)
    },

    refund(c) {
      const o = orderOf(c)
      if ('errCode' in o) return o
      const refundAmount = toAmount(c.refundAmount)
      if (refundAmount === null) return gwError('BAD_REQUEST', 'refundAmount 必须是 1..100000000 的整数（分）')
      const rid = c.refundOrderId
      if (rid !== undefined) {
        const bad = checkMerOrderId(rid, 'refundOrderId')
        if (bad) return bad
        const existing = o.refunds.get(rid as string)
        // Seed 1.3: same merOrderId + refundOrderId → no new refund, the existing one is returned.
        if (existing)
          return {
            ...orderReply(o),
            refundStatus: 'SUCCESS',
            refundOrderId: existing.refundOrderId,
            refundAmount: existing.amount,
            refundTargetOrderId: existing.targetOrderId,
          }
        if (state.byRefundId.has(rid as string)) return gwError('DUP_ORDER', 'refundOrderId 已用于其他订单')
      } else if (o.refunds.size > 0) return gwError('BAD_REQUEST', '多次退款必须上送 refundOrderId')
      if (o.status === 'TRADE_CLOSED') return gwError('OPERATION_NOT_ALLOWED', '订单已经关闭，不能执行退货操作')
      if (o.status !== 'TRADE_SUCCESS' && o.status !== 'TRADE_REFUND')
        return gwError('OPERATION_NOT_ALLOWED', '订单未支付，不能退货')
      if (o.secureStatus === 'UNCOMPLETED')
        return gwError('OPERATION_NOT_ALLOWED', '担保未完成的交易不允许直接做反交易')
      // After a partial 担保完成 the rest already went back to the buyer: only the completed part can be refunded.
      const cap = o.secure && o.secureStatus !== undefined ? o.completedAmount : o.totalAmount
      if (o.refundedAmount + refundAmount > cap) return gwError('OPERATION_NOT_ALLOWED', '退款金额超过可退金额')
      let split: RefundSplit = { platformAmount: 0, subOrders: [] }
      if (o.division) {
        const platform = c.platformAmount === undefined ? null : toAmount(c.platformAmount, 0)
        if (c.platformAmount !== undefined && platform === null)
          return gwError('BAD_REQUEST', 'platformAmount 必须是 0..100000000 的整数（分）')
        const subs = readShares(c.subOrders, 'subOrders')
        if ('errCode' in subs) return subs
        const problem = refundSplitProblem(o.division, [...o.refunds.values()], refundAmount, platform, subs.shares)
        if (problem) return gwError(problem.errCode, problem.errMsg)
        split = { platformAmount: platform ?? 0, subOrders: subs.shares }
      }
      const refund = {
        refundOrderId: typeof rid === 'string' ? rid : `${o.merOrderId.slice(0, 4)}R${digits(20)}`,
        amount: refundAmount,
        ...split,
        seqId: `${digits(11)}N`,
        targetOrderId: digits(28),
        at: ctx.clock(),
      }
      o.refunds.set(refund.refundOrderId, refund)
      state.byRefundId.set(refund.refundOrderId, o.merOrderId)
      o.refundedAmount += refundAmount
      o.status = o.refundedAmount >= cap ? 'TRADE_CLOSED' : 'TRADE_REFUND'
      void notifier.send(o, refund)
      return {
        ...orderReply(o),
        refundStatus: 'SUCCESS',
        refundOrderId: refund.refundOrderId,
        refundAmount,
        refundTargetOrderId: refund.targetOrderId,
      }
    },

    'refund-query'(c) {
      const rid = c.merOrderId
      const bad = checkMerOrderId(rid)
      if (bad) return bad
      const mo = state.byRefundId.get(rid as string)
      const o = mo ? state.orders.get(mo) : undefined
      const r = o?.refunds.get(rid as string)
      if (!o || !r) return gwError('NO_ORDER', '找不到退货订单')
      return {
        ...orderReply(o),
        merOrderId: o.merOrderId,
        refundStatus: 'SUCCESS',
        refundOrderId: r.refundOrderId,
        refundTargetOrderId: r.targetOrderId,
        refundAmount: r.amount,
      }
    },

    close(c) {
      const o = orderOf(c)
      if ('errCode' in o) return o
      if (o.status !== 'WAIT_BUYER_PAY') return gwError('OPERATION_NOT_ALLOWED', '订单已支付或已关闭，不能关闭')
      o.status = 'TRADE_CLOSED'
      return orderReply(o)
    },

    'secure-cancel'(c) {
      const o = orderOf(c)
      if ('errCode' in o) return o
      if (!o.secure) return gwError('OPERATION_NOT_ALLOWED', '不是担保交易')
      if (o.secureStatus === 'CANCELED') return gwError('HAS_CANCELLED', '该笔担保交易已撤销')
      if (o.secureStatus !== 'UNCOMPLETED') return gwError('OPERATION_NOT_ALLOWED', '担保交易已完成或未支付')
      o.secureStatus = 'CANCELED'
      o.status = 'TRADE_CLOSED'
      return { ...orderReply(o), completedAmount: '0' }
    },

    'secure-complete'(c) {
      const o = orderOf(c)
      if ('errCode' in o) return o
      const amount = toAmount(c.completedAmount)
      if (amount === null) return gwError('BAD_REQUEST', 'completedAmount 必须是 1..100000000 的整数（分）')
      if (!o.secure) return gwError('OPERATION_NOT_ALLOWED', '不是担保交易')
      if (o.secureStatus === 'CANCELED') return gwError('HAS_CANCELLED', '该笔担保交易已撤销')
      if (o.secureStatus !== 'UNCOMPLETED') return gwError('OPERATION_NOT_ALLOWED', '担保交易已完成或未支付')
      if (amount > o.totalAmount) return gwError('BAD_REQUEST', 'completedAmount 不能超过支付总金额')
      o.completedAmount = amount
      o.secureStatus = amount === o.totalAmount ? 'ALL_COMPLETED' : 'PARTLY_COMPLETED'
      return { ...orderReply(o), completedAmount: amount }
    },

    /** Sandbox tn issuer (not in seed 004): creates an order payable by `upsdk.pay({tn})`. */
    'uac/app-order'(c) {
      const bad = checkMerOrderId(c.merOrderId)
      if (bad) return bad
      if (state.orders.has(c.merOrderId as string)) return gwError('DUP_ORDER', '重复的订单请求')
      const totalAmount = toAmount(c.totalAmount)
      if (totalAmount === null) return gwError('BAD_REQUEST', 'totalAmount 必须是 1..100000000 的整数（分）')
      const urlBad = checkOwnUrl(c.notifyUrl, 'notifyUrl', ctx.appBaseUrl)
      if (urlBad) return urlBad
      const tn = digits(21)
      const o = state.newOrder({
        merOrderId: c.merOrderId as string,
        channel: 'tn',
        mid: c.mid as string,
        tid: c.tid as string,
        instMid: c.instMid as string,
        totalAmount,
        notifyUrl: c.notifyUrl as string | undefined,
        returnUrl: undefined,
        content: JSON.stringify(c),
        expireAt: ctx.clock() + 30 * 60_000,
        secure: false,
        division: undefined,
        tn,
      })
      return { merOrderId: o.merOrderId, appPayRequest: { tn } }
    },
  }

  for (const [api, handler] of Object.entries(apis)) {
    app.post(`/v1/netpay/${api}`, async (req) => {
      const now = ctx.clock()
      const stamp = { responseTimestamp: beijingDashed(now) }
      const raw = req.body
      if (typeof raw !== 'string') return { errCode: 'BAD_REQUEST', errMsg: '请求体必须是 JSON', ...stamp }
      const sigBad = checkBodySig(req.headers.authorization, raw, now)
      if (sigBad) return { ...sigBad, ...stamp }
      const c = parseJsonObject(raw)
      if (!c) return { errCode: 'BAD_REQUEST', errMsg: '请求体不是 JSON 对象', ...stamp }
      const common = checkCommon(c, now)
      if (common) return { ...common, ...stamp }
      const fault = state.takeFault(api)
      if (fault && 'errCode' in fault) return { errCode: fault.errCode, errMsg: fault.errMsg, ...stamp }
      const base = {
        mid: c.mid,
        tid: c.tid,
        instMid: c.instMid,
        ...(c.msgId !== undefined ? { msgId: c.msgId } : {}),
        ...stamp,
      }
      const r = await handler(c)
      if ('errCode' in r && typeof r.errCode === 'string' && r.errCode !== 'SUCCESS') return { ...base, ...r }
      return { ...base, ...r, errCode: 'SUCCESS', errMsg: '' }
    })
  }
}
