import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { NojumpCard, NojumpPayment } from '../../../common/api.ts'
import type { AppContext } from '../../context.ts'
import { DomainError } from '../../errors.ts'
import { unavailable } from '../../http/errors.ts'
import { requireSession } from '../../session/plugin.ts'
import type { Binding, NojumpOrder } from './repo.ts'
import type { NojumpService } from './service.ts'
import { registerAcpNotifyRoute } from '../notify-route.ts'

// Messages never echo the value: a card number, phone or CVN2 must not reach an error or a log.
const pan = z.string().regex(/^\d{13,19}$/, '卡号为 13-19 位数字')
const phone = z.string().regex(/^1\d{10}$/, '手机号为 11 位数字')
const cvn2 = z.string().regex(/^\d{3}$/, 'CVN2 为卡背面 3 位数字')
const expired = z.string().regex(/^\d{2}(0[1-9]|1[0-2])$/, '有效期为 YYMM（年在前、月在后）4 位数字')
const smsCode = z.string().regex(/^\d{6}$/, '验证码为 6 位数字')
const amount = z.number({ error: '金额必须是数字（单位：分）' }).int('金额以分为单位，须为整数').min(1).max(100_000_000)
const card = z.strictObject({ pan, phone, cvn2: cvn2.optional(), expired: expired.optional() })
const bindingParams = z.strictObject({ bindingId: z.string().regex(/^B\d{22}$/, '绑卡编号格式不正确') })
const orderParams = z.strictObject({ orderId: z.string().regex(/^[0-9A-Za-z]{8,40}$/, '订单号为 8-40 位字母或数字') })

/** What the user sees of a binding: masked card number only, never the token. */
export function bindingView(b: Binding): NojumpCard {
  return {
    bindingId: b.id,
    status: b.status,
    via: b.via,
    maskedPan: b.maskedPan,
    tokenEnd: b.tokenEnd,
    respMsg: b.respMsg,
    /** The opening's orderId: the SMS code of a back-end open was sent for it. */
    smsRef: b.openOrderId,
    createdAt: b.createdAt,
  }
}

export function nojumpOrderView(o: NojumpOrder, reversals: NojumpOrder[] = []): NojumpPayment {
  return {
    orderId: o.orderId,
    kind: o.kind,
    bindingId: o.bindingId,
    amount: o.amount,
    status: o.status,
    refundedAmount: o.refundedAmount,
    respCode: o.respCode,
    respMsg: o.respMsg,
    description: o.description,
    needsReconciliation: o.needsReconciliation,
    createdAt: o.createdAt,
    settledAt: o.settledAt,
    reversals: reversals.map((r) => ({
      orderId: r.orderId,
      kind: r.kind,
      amount: r.amount,
      status: r.status,
      respMsg: r.respMsg,
      createdAt: r.createdAt,
    })),
  }
}

/**
 * 银联无跳转支付 routes (docs/nojump.md): the signed-in user opens cards, pays with a token and an
 * SMS code, sees and removes bindings; the merchant voids, refunds and reverses; UnionPay posts
 * notifications. Without 全渠道 + UNIONPAY_ACP_TR_ID every route answers 503.
 */
export async function registerNojumpRoutes(
  root: FastifyInstance,
  _ctx: AppContext,
  svc: NojumpService | null,
): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const admin = { admin: true }
  if (!svc) {
    const off = async () => {
      throw unavailable(
        'NOJUMP_NOT_CONFIGURED',
        '未配置银联无跳转支付（UNIONPAY_ACP_* 与 UNIONPAY_ACP_TR_ID），绑卡支付不可用',
      )
    }
    for (const url of [
      '/api/nojump/cards',
      '/api/nojump/cards/:bindingId',
      '/api/nojump/payments',
      '/api/nojump/payments/:orderId',
    ])
      app.get(url, off)
    for (const url of [
      '/api/nojump/cards/front',
      '/api/nojump/open-and-pay',
      '/pay/return/nojump',
      '/api/nojump/cards/sms',
      '/api/nojump/cards/:bindingId/open',
      '/api/nojump/cards/:bindingId/update',
      '/api/nojump/payments/sms',
      '/api/nojump/payments/:orderId/confirm',
      '/notify/unionpay/acp/nojump',
    ])
      app.post(url, off)
    for (const url of ['/api/nojump/payments/:orderId/void', '/api/nojump/payments/:orderId/refund'])
      app.post(url, { config: admin }, off)
    app.post('/api/nojump/payments/:orderId/reverse', { config: admin }, off)
    app.delete('/api/nojump/cards/:bindingId', off)
    return
  }
  const s: NojumpService = svc
  const view = async (o: NojumpOrder) => nojumpOrderView(o, await s.repo.reversalsOf(o.orderId))
  const own = async (req: FastifyRequest, orderId: string) => {
    const o = await s.repo.order(orderId)
    if (!o || o.openId !== requireSession(req).openId) throw new DomainError('not_found', 'NO_ORDER', '订单不存在')
    return o
  }

  app.get('/api/nojump/cards', async (req) => ({
    cards: (await s.bindings(requireSession(req).openId)).map(bindingView),
  }))

  app.get('/api/nojump/cards/:bindingId', { schema: { params: bindingParams } }, async (req) =>
    bindingView(await s.refreshBinding(requireSession(req).openId, req.params.bindingId)),
  )

  /** 前台开通: the page posts `form.fields` to `form.action` (the bank's page). */
  app.post('/api/nojump/cards/front', async (req) => {
    const { binding, form } = await s.frontOpen(requireSession(req).openId)
    return { binding: bindingView(binding), form }
  })

  /** 开通并支付 in one front transaction. */
  app.post(
    '/api/nojump/open-and-pay',
    { schema: { body: z.strictObject({ amount, description: z.string().max(64).optional() }) } },
    async (req) => {
      const r = await s.openAndPay(requireSession(req).openId, req.body.amount, req.body.description)
      return { binding: bindingView(r.binding), order: await view(r.order), form: r.form }
    },
  )

  /** frontUrl: the bank page's signed result, posted by the buyer's browser; back to the 绑卡支付 page. */
  app.post('/pay/return/nojump', async (req, reply) => {
    const fields: Record<string, string> = {}
    for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>))
      if (typeof v === 'string') fields[k] = v
    const r = await s.frontReturn(fields)
    const q = new URLSearchParams()
    if (r.bindingId) q.set('binding', r.bindingId)
    if (r.orderId) q.set('order', r.orderId)
    if (!r.bindingId) q.set('returned', 'unverified')
    return reply.redirect(`/bindcard?${q.toString()}`, 303)
  })

  app.post('/api/nojump/cards/sms', { schema: { body: card } }, async (req) => {
    const b = await s.openSms(requireSession(req).openId, req.body)
    return bindingView(b)
  })

  app.post(
    '/api/nojump/cards/:bindingId/open',
    { schema: { params: bindingParams, body: card.extend({ smsCode }) } },
    async (req) => {
      const { smsCode: code, ...c } = req.body
      return bindingView(await s.openWithSms(requireSession(req).openId, req.params.bindingId, c, code))
    },
  )

  app.post(
    '/api/nojump/cards/:bindingId/update',
    {
      schema: {
        params: bindingParams,
        body: z.strictObject({ phone, cvn2: cvn2.optional(), expired: expired.optional() }),
      },
    },
    async (req) => bindingView(await s.update(requireSession(req).openId, req.params.bindingId, req.body)),
  )

  app.delete('/api/nojump/cards/:bindingId', { schema: { params: bindingParams } }, async (req) =>
    bindingView(await s.remove(requireSession(req).openId, req.params.bindingId)),
  )

  app.post(
    '/api/nojump/payments/sms',
    {
      schema: {
        body: z.strictObject({
          bindingId: bindingParams.shape.bindingId,
          amount,
          description: z.string().max(64).optional(),
        }),
      },
    },
    async (req) =>
      view(await s.paySms(requireSession(req).openId, req.body.bindingId, req.body.amount, req.body.description)),
  )

  app.post(
    '/api/nojump/payments/:orderId/confirm',
    { schema: { params: orderParams, body: z.strictObject({ smsCode }) } },
    async (req) => view(await s.payConfirm(requireSession(req).openId, req.params.orderId, req.body.smsCode)),
  )

  app.get('/api/nojump/payments', async (req) => ({
    payments: await Promise.all((await s.ordersOf(requireSession(req).openId)).map(view)),
  }))

  app.get('/api/nojump/payments/:orderId', { schema: { params: orderParams } }, async (req) => {
    const o = await own(req, req.params.orderId)
    return { ...(await view(o)), events: await s.repo.events(o.orderId) }
  })

  app.post('/api/nojump/payments/:orderId/void', { config: admin, schema: { params: orderParams } }, async (req) => {
    const r = await s.voidConsume(req.params.orderId)
    return { reversal: nojumpOrderView(r), order: await view((await s.repo.order(req.params.orderId)) as NojumpOrder) }
  })

  app.post(
    '/api/nojump/payments/:orderId/refund',
    { config: admin, schema: { params: orderParams, body: z.strictObject({ amount }) } },
    async (req) => {
      const r = await s.refund(req.params.orderId, req.body.amount)
      return {
        reversal: nojumpOrderView(r),
        order: await view((await s.repo.order(req.params.orderId)) as NojumpOrder),
      }
    },
  )

  app.post('/api/nojump/payments/:orderId/reverse', { config: admin, schema: { params: orderParams } }, async (req) =>
    view(await s.reverse(req.params.orderId)),
  )

  registerAcpNotifyRoute(app, '/notify/unionpay/acp/nojump', (fields) => s.handleNotification(fields))
}
