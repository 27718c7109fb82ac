import type { FastifyInstance, FastifyReply } from 'fastify'
import type { SandboxContext } from '../context.ts'
import { beijingDashed } from '../crypto/time.ts'
import { checkFormParam, parseJsonObject } from './auth.ts'
import { Notifier, nowPayTime, resultParams, signParams } from './notifier.ts'
import { cashierPage, donePage, errorPage } from './pages.ts'
import { digits, type SandboxOrder } from './state.ts'
import { checkOrderContent, gwError, type GatewayError } from './validate.ts'
import { registerGatewayApis } from './api.ts'

/** Seed 1.1.2: the three H5 channels and their paths under `/v1/netpay/`. */
const H5_CHANNELS = {
  alipay: { path: 'trade/h5-pay', name: '支付宝' },
  qmf: { path: 'qmf/h5-pay', name: '银联在线无卡' },
  uac: { path: 'uac/order', name: '银联云闪付' },
} as const
type H5Channel = keyof typeof H5_CHANNELS

/** The simulated 银商 gateway: H5 cashier pages, OPEN-BODY-SIG APIs, notifies (issue 5). */
export async function registerSandboxChinaums(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const state = ctx.chinaums
  const notifier = new Notifier(state)
  app.addHook('onClose', async () => notifier.stop())
  const base = new URL(ctx.sandboxBaseUrl).pathname.replace(/\/$/, '') + '/chinaums'

  // The sandbox only serves this kit, so 返回商户 can always lead to its cashier page.
  const merchantPage = `${ctx.appBaseUrl}/pay`
  const htmlError = (reply: FastifyReply, e: GatewayError) =>
    reply
      .status(400)
      .type('text/html; charset=utf-8')
      .send(errorPage(e.errCode, e.errMsg, merchantPage))

  for (const [channel, { path, name }] of Object.entries(H5_CHANNELS) as Array<
    [H5Channel, (typeof H5_CHANNELS)[H5Channel]]
  >) {
    app.get(`/v1/netpay/${path}`, async (req, reply) => {
      const now = ctx.clock()
      const fp = checkFormParam(req.query as Record<string, unknown>, now)
      if ('errCode' in fp) return htmlError(reply, fp)
      const c = parseJsonObject(fp.content)
      if (!c) return htmlError(reply, gwError('BAD_REQUEST', 'content 不是 JSON 对象'))
      const checked = checkOrderContent(c, now, ctx.appBaseUrl)
      if ('errCode' in checked) return htmlError(reply, checked)
      // Seed 1.1 divisionFlag: "暂时只支持微信、支付宝支付和银联云闪付".
      if (checked.division && channel === 'qmf')
        return htmlError(reply, gwError('BAD_REQUEST', '银联在线无卡不支持分账'))
      let order = state.orders.get(checked.merOrderId)
      if (order && (order.content !== fp.content || order.channel !== channel))
        return htmlError(reply, gwError('DUP_ORDER', '重复的订单请求'))
      if (!order) {
        order = state.newOrder({
          merOrderId: checked.merOrderId,
          channel,
          mid: c.mid as string,
          tid: c.tid as string,
          instMid: c.instMid as string,
          totalAmount: checked.totalAmount,
          notifyUrl: checked.notifyUrl,
          returnUrl: checked.returnUrl,
          content: fp.content,
          expireAt: checked.expireAt,
          secure: checked.secure,
          division: checked.division,
          tn: undefined,
        })
      }
      reply.type('text/html; charset=utf-8')
      if (order.status !== 'WAIT_BUYER_PAY')
        return donePage(
          order.status === 'TRADE_CLOSED' ? '订单已关闭' : '订单已支付',
          `订单号 ${order.merOrderId}`,
          merchantPage,
        )
      if (order.expireAt !== undefined && now > order.expireAt)
        return donePage('订单已过期', '请返回商户重新下单', merchantPage)
      return cashierPage({
        merOrderId: order.merOrderId,
        amount: order.totalAmount,
        channelName: name,
        merchant: '银商沙箱商户',
        payAction: `${base}/cashier/pay`,
        cancelAction: `${base}/cashier/cancel`,
        orderDesc: typeof c.orderDesc === 'string' ? c.orderDesc : undefined,
      })
    })
  }

  const markPaid = (o: SandboxOrder) => {
    o.status = 'TRADE_SUCCESS'
    o.payTime = nowPayTime(state)
    o.targetOrderId = `${beijingDashed(ctx.clock()).replace(/\D/g, '')}${digits(14)}`
    if (o.secure) o.secureStatus = 'UNCOMPLETED'
  }

  const backToMerchant = (reply: FastifyReply, o: SandboxOrder) => {
    if (!o.returnUrl)
      return reply
        .type('text/html; charset=utf-8')
        .send(donePage(o.status === 'TRADE_SUCCESS' ? '支付成功' : '已取消', '可以关闭本页面'))
    const url = new URL(o.returnUrl)
    for (const [k, v] of Object.entries(signParams(state, resultParams(state, o)))) url.searchParams.set(k, v)
    return reply.redirect(url.toString(), 303)
  }

  const cashierOrder = (body: unknown): SandboxOrder | GatewayError => {
    const id = (body as Record<string, unknown> | undefined)?.merOrderId
    const o = typeof id === 'string' ? state.orders.get(id) : undefined
    if (!o || o.channel === 'tn') return gwError('NO_ORDER', '找不到订单')
    return o
  }

  app.post('/cashier/pay', async (req, reply) => {
    const o = cashierOrder(req.body)
    if ('errCode' in o) return htmlError(reply, o)
    if (o.status === 'WAIT_BUYER_PAY') {
      if (o.expireAt !== undefined && ctx.clock() > o.expireAt)
        return htmlError(reply, gwError('OPERATION_NOT_ALLOWED', '订单已过期'))
      markPaid(o)
      // Like the real gateway the notify goes out on its own; the first attempt is awaited so
      // that the demo's result page usually has it already (the page does not rely on it).
      await notifier.send(o)
    }
    return backToMerchant(reply, o)
  })

  app.post('/cashier/cancel', async (req, reply) => {
    const o = cashierOrder(req.body)
    if ('errCode' in o) return htmlError(reply, o)
    return backToMerchant(reply, o)
  })

  /** The upsdk stub's `pay`: the buyer paid (or not) the tn order inside 云闪付. */
  app.post('/tn/pay', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>
    const tn = typeof b.tn === 'string' ? b.tn : ''
    const id = state.byTn.get(tn)
    const o = id ? state.orders.get(id) : undefined
    if (!o && ctx.acp.payTn && ctx.acp.byTn.has(tn)) {
      // A 全渠道 tn (server/sandbox/acp): the stub's one pay endpoint serves both tn issuers.
      const r = await ctx.acp.payTn(tn, String(b.outcome ?? ''))
      return reply.status(r.status).send(r.body)
    }
    if (!o) return reply.status(404).send({ ok: false, msg: 'TN号不合法' })
    if (b.outcome !== 'success') return { ok: true, status: o.status }
    if (o.status !== 'WAIT_BUYER_PAY') return reply.status(409).send({ ok: false, msg: '订单已支付或已关闭' })
    if (o.expireAt !== undefined && ctx.clock() > o.expireAt)
      return reply.status(409).send({ ok: false, msg: '订单已过期' })
    markPaid(o)
    void notifier.send(o)
    return { ok: true, status: o.status }
  })

  // Its own plugin scope: the raw-body JSON parser of the signed APIs stays there.
  await app.register(async (apis) => registerGatewayApis(apis, ctx, notifier))

  // --- control (tests and the demo) ------------------------------------------------------------
  app.get('/__control/orders/:merOrderId', async (req, reply) => {
    const o = state.orders.get((req.params as { merOrderId: string }).merOrderId)
    if (!o) return reply.status(404).send({ error: 'NO_ORDER' })
    return {
      merOrderId: o.merOrderId,
      channel: o.channel,
      status: o.status,
      totalAmount: o.totalAmount,
      refundedAmount: o.refundedAmount,
      secureStatus: o.secureStatus ?? null,
      tn: o.tn ?? null,
      notifies: state.notifyLog.filter((n) => n.merOrderId === o.merOrderId),
    }
  })
  /** `{api, errCode, errMsg?, times?}` makes the next calls of `api` fail; api `notify` drops notifies. */
  app.post('/__control/faults', async (req) => {
    const b = (req.body ?? {}) as Record<string, unknown>
    const api = String(b.api ?? '')
    const times = Math.min(Math.max(Number(b.times ?? 1) || 1, 1), 50)
    const list = state.faults.get(api) ?? []
    for (let i = 0; i < times; i++)
      list.push(
        api === 'notify' ? { drop: true } : { errCode: String(b.errCode ?? 'TIMEOUT'), errMsg: String(b.errMsg ?? '') },
      )
    state.faults.set(api, list)
    return { ok: true }
  })
  app.post('/__control/sign-type', async (req) => {
    const t = (req.body as Record<string, unknown> | undefined)?.signType
    state.signType = t === 'SHA256' ? 'SHA256' : 'MD5'
    return { signType: state.signType }
  })
  app.post('/__control/pay/:merOrderId', async (req, reply) => {
    const o = state.orders.get((req.params as { merOrderId: string }).merOrderId)
    if (!o || o.status !== 'WAIT_BUYER_PAY') return reply.status(409).send({ error: 'NOT_PAYABLE' })
    markPaid(o)
    await notifier.send(o)
    return { ok: true }
  })
}
