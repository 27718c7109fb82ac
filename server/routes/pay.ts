import type { FastifyInstance } from 'fastify'
import type { AdminStatusView, H5OrderCreatedView, OrderListView, OrderResultView, OrderView, RefundResultView, TnOrderCreatedView } from '../../common/api.ts'
import { z } from 'zod'
import { H5_CHANNEL_IDS, MAX_AMOUNT } from '../chinaums/h5.ts'
import { MER_ORDER_ID_RE } from '../chinaums/ids.ts'
import type { PayModule } from '../compose.ts'
import type { AppContext } from '../context.ts'
import { checkAdmin } from '../http/admin.ts'
import { notFound, unavailable } from '../http/errors.ts'
import { parseInput } from '../http/validate.ts'
import { publicOrder, publicRefund, toAppError } from '../pay/http.ts'

const amount = z
  .number({ error: '金额必须是数字（单位：分）' })
  .int('金额必须是整数（单位：分），不能有小数')
  .min(1, '金额必须大于 0')
  .max(MAX_AMOUNT, `金额不能超过 ${MAX_AMOUNT} 分`)
const share = z.number().int('必须是整数（单位：分）').min(0).max(MAX_AMOUNT)
const subOrdersSchema = z.array(z.strictObject({ mid: z.string().regex(/^\d{15}$/, '子商户号必须是 15 位数字'), totalAmount: share }))
const digits = z.string().regex(/^\d{1,12}$/, '必须是数字字符串')
const text = (max: number) => z.string().trim().min(1).max(max)

const goodSchema = z.strictObject({
  goodsId: text(64).optional(),
  goodsName: text(128).optional(),
  quantity: digits.optional(),
  price: digits.optional(),
  goodsCategory: text(64).optional(),
  body: text(255).optional(),
  subMerchantId: z.string().regex(/^\d{15}$/, '子商户号必须是 15 位数字').optional(),
  subOrderAmount: share.optional(),
})

const createSchema = z.strictObject({
  amount,
  channel: z.enum(['uac', 'qmf', 'alipay'], { error: `channel 必须是 ${H5_CHANNEL_IDS.join(' / ')} 之一` }),
  goods: z.array(goodSchema).min(1).max(20).optional(),
  orderDesc: text(255).optional(),
  secureTransaction: z.boolean().optional(),
  divisionFlag: z.boolean().optional(),
  platformAmount: share.optional(),
  subOrders: subOrdersSchema.min(1).max(20).optional(),
})

const tnSchema = z.strictObject({ amount, description: text(255).optional() })
const idParams = z.strictObject({ merOrderId: z.string().regex(MER_ORDER_ID_RE, '订单号应为 6..32 位字母或数字') })
const refundSchema = z.strictObject({
  amount,
  refundOrderId: z.string().regex(MER_ORDER_ID_RE, '退款单号应为 6..32 位字母或数字').optional(),
  description: text(255).optional(),
  /** Divided orders (seed 1.3): the platform's part of this refund and the one sub-merchant refunded. */
  platformAmount: share.optional(),
  subOrders: subOrdersSchema.max(1, '一次只能对一个子商户退款').optional(),
})
const completeSchema = z.strictObject({ amount })

/** A 银商 notify is a few hundred bytes; anything near this is not one. */
const NOTIFY_BODY_LIMIT = 16 * 1024

/** Form posts and query strings: flat string values only (a repeated key is refused). */
function flatStrings(input: unknown): Record<string, string> | null {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(input)) {
    if (typeof v !== 'string') return null
    out[k] = v
  }
  return out
}

async function domain<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw toAppError(err)
  }
}

/** 银商 H5 pay, tn pay, orders, the 银商 notify and return page (issue 5). */
export async function registerPayRoutes(app: FastifyInstance, ctx: AppContext, pay: PayModule): Promise<void> {
  const { config } = ctx
  const { service, store } = pay

  app.post('/api/pay/chinaums/orders', async (req): Promise<H5OrderCreatedView> => {
    const input = parseInput(createSchema, req.body)
    const { merOrderId, redirectUrl } = await domain(() => service.createH5Order(input))
    return { merOrderId, redirectUrl }
  })

  app.post('/api/pay/tn', async (req): Promise<TnOrderCreatedView> => {
    const input = parseInput(tnSchema, req.body)
    if (!service.hasTnProvider) throw unavailable('TN_PROVIDER_MISSING', '尚未配置 tn 提供方（全渠道），App 内支付暂不可用')
    return domain(() => service.createTnOrder(input.amount, input.description))
  })

  app.get('/api/pay/orders/:merOrderId', async (req): Promise<OrderView> => {
    const { merOrderId } = parseInput(idParams, req.params, '订单号')
    const o = store.get(merOrderId)
    if (!o) throw notFound('NO_ORDER', '订单不存在')
    return publicOrder(o)
  })

  app.get('/api/pay/admin', async (req): Promise<AdminStatusView> => {
    try {
      checkAdmin(req, config)
      return { allowed: true, tokenRequired: config.adminToken !== undefined }
    } catch {
      return { allowed: false, tokenRequired: true }
    }
  })

  app.get('/api/pay/orders', { config: { admin: true } }, async (): Promise<OrderListView> => {
    return { orders: store.list(50).map((o) => ({ ...publicOrder(o), refunds: store.refunds(o.merOrderId).map(publicRefund) })) }
  })

  app.post('/api/pay/orders/:merOrderId/refund', { config: { admin: true } }, async (req): Promise<RefundResultView> => {
    const { merOrderId } = parseInput(idParams, req.params, '订单号')
    const input = parseInput(refundSchema, req.body)
    const division =
      input.platformAmount !== undefined || input.subOrders !== undefined
        ? { platformAmount: input.platformAmount ?? 0, subOrders: input.subOrders ?? [] }
        : undefined
    const refund = await domain(() => service.refund(merOrderId, input.amount, input.refundOrderId, input.description, division))
    return { refund: publicRefund(refund), order: publicOrder(store.get(merOrderId)!) }
  })

  app.post('/api/pay/orders/:merOrderId/close', { config: { admin: true } }, async (req): Promise<OrderResultView> => {
    const { merOrderId } = parseInput(idParams, req.params, '订单号')
    return { order: publicOrder(await domain(() => service.close(merOrderId))) }
  })

  app.post('/api/pay/orders/:merOrderId/secure-cancel', { config: { admin: true } }, async (req): Promise<OrderResultView> => {
    const { merOrderId } = parseInput(idParams, req.params, '订单号')
    return { order: publicOrder(await domain(() => service.secureCancel(merOrderId))) }
  })

  app.post('/api/pay/orders/:merOrderId/secure-complete', { config: { admin: true } }, async (req): Promise<OrderResultView> => {
    const { merOrderId } = parseInput(idParams, req.params, '订单号')
    const input = parseInput(completeSchema, req.body)
    const r = await domain(() => service.secureComplete(merOrderId, input.amount))
    return { order: publicOrder(r.order), secureStatus: r.secureStatus }
  })

  /** 银商 支付结果通知 (form). The answer is the bare word SUCCESS or FAILED. */
  app.post('/notify/chinaums', { bodyLimit: NOTIFY_BODY_LIMIT }, async (req, reply) => {
    const params = flatStrings(req.body)
    reply.type('text/plain; charset=utf-8')
    if (!params) return 'FAILED'
    const { answer, outcome } = service.handleNotify(params)
    req.log.info({ merOrderId: params.merOrderId, status: params.status, outcome }, 'chinaums notify')
    return answer
  })

  /** 银商 returnUrl: verify, then hand over to the SPA's result page, which reads the store. */
  app.get('/pay/return', async (req, reply) => {
    const params = flatStrings(req.query) ?? {}
    const r = service.verifyReturn(params)
    const q = new URLSearchParams()
    if (r.merOrderId) q.set('merOrderId', r.merOrderId)
    q.set('back', !r.verified ? 'invalid' : r.buyerPaid ? 'paid' : 'unpaid')
    return reply.redirect(`/pay/result?${q.toString()}`, 302)
  })
}
