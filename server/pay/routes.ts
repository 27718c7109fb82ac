import { NOTIFICATION_ROUTE, refuseNotification } from '../http/rate-limit.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type {
  AdminStatusView,
  H5OrderCreatedView,
  MyOrdersView,
  OrderListView,
  OrderResultView,
  OrderView,
  RefundResultView,
  TnOrderCreatedView,
} from '../../common/api.ts'
import { H5_CHANNEL_IDS, MAX_AMOUNT } from '../chinaums/h5.ts'
import { MER_ORDER_ID_RE } from '../chinaums/ids.ts'
import type { AppContext } from '../context.ts'
import { DomainError } from '../errors.ts'
import { checkAdmin } from '../http/admin.ts'
import { ensureBindingCookie, hashBinding } from '../http/bound-state.ts'
import { publicOrder, publicRefund } from './http.ts'
import type { PayModule } from './index.ts'
import type { Order, OrderOwner } from './model.ts'
import { clientKeyOf } from './order-limits.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Payments: exposed for tests and scripts. */
    pay: PayModule
  }
}

const amount = z
  .number({ error: '金额必须是数字（单位：分）' })
  .int('金额必须是整数（单位：分），不能有小数')
  .min(1, '金额必须大于 0')
  .max(MAX_AMOUNT, `金额不能超过 ${MAX_AMOUNT} 分`)
const share = z.number().int('必须是整数（单位：分）').min(0).max(MAX_AMOUNT)
const subOrdersSchema = z.array(
  z.strictObject({ mid: z.string().regex(/^\d{15}$/, '子商户号必须是 15 位数字'), totalAmount: share }),
)
const digits = z.string().regex(/^\d{1,12}$/, '必须是数字字符串')
const text = (max: number) => z.string().trim().min(1).max(max)

const goodSchema = z.strictObject({
  goodsId: text(64).optional(),
  goodsName: text(128).optional(),
  quantity: digits.optional(),
  price: digits.optional(),
  goodsCategory: text(64).optional(),
  body: text(255).optional(),
  subMerchantId: z
    .string()
    .regex(/^\d{15}$/, '子商户号必须是 15 位数字')
    .optional(),
  subOrderAmount: share.optional(),
})

const createBody = z.strictObject({
  amount,
  channel: z.enum(['uac', 'qmf', 'alipay'], { error: `channel 必须是 ${H5_CHANNEL_IDS.join(' / ')} 之一` }),
  goods: z.array(goodSchema).min(1).max(20).optional(),
  orderDesc: text(255).optional(),
  secureTransaction: z.boolean().optional(),
  divisionFlag: z.boolean().optional(),
  platformAmount: share.optional(),
  subOrders: subOrdersSchema.min(1).max(20).optional(),
})
const tnBody = z.strictObject({ amount, description: text(255).optional() })
const idParams = z.strictObject({ merOrderId: z.string().regex(MER_ORDER_ID_RE, '订单号应为 6..32 位字母或数字') })
/** The refund's shape; its money rules (split, caps, shares) are refund-policy.ts. */
const refundBody = z.strictObject({
  amount,
  refundOrderId: z.string().regex(MER_ORDER_ID_RE, '退款单号应为 6..32 位字母或数字').optional(),
  description: text(255).optional(),
  /** Divided orders (seed 1.3): the platform's part of this refund and the sub-merchant refunded. */
  platformAmount: share.optional(),
  subOrders: subOrdersSchema.optional(),
})
const completeBody = z.strictObject({ amount })

/** The browser that created an order (httpOnly; only its sha256 is stored on the order). */
const PAY_BROWSER_COOKIE = 'upkit_pay'
/** A 银商 notify is a few hundred bytes; anything near this is not one. */
const NOTIFY_BODY_LIMIT = 16 * 1024

/**
 * Form posts and query strings from 银商: flat string values only (a repeated key is refused).
 * Not a route schema: whatever arrives, the answer must stay the bare word FAILED / a redirect.
 */
function flatStrings(input: unknown): Record<string, string> | null {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(input)) {
    if (typeof v !== 'string') return null
    out[k] = v
  }
  return out
}

/** 银商 H5 pay, tn pay, orders, the 银商 notify and return page: HTTP in, the pay use cases, HTTP out. */
export async function registerPayRoutes(root: FastifyInstance, ctx: AppContext, pay: PayModule): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const { config } = ctx
  const { checkout, notifies, refunds, actions, records } = pay
  const store = records.orders

  const isMerchant = (req: FastifyRequest) => {
    try {
      checkAdmin(req, config)
      return true
    } catch {
      return false
    }
  }
  /** Who creates an order: the logged-in user if any, this browser (cookie issued when missing), the client for the unpaid-order limit. */
  const creator = (req: FastifyRequest, reply: FastifyReply): OrderOwner => {
    const openId = req.session?.openId
    const browser = hashBinding(
      ensureBindingCookie(req, reply, { name: PAY_BROWSER_COOKIE, path: '/api/pay', secure: config.secureCookies }),
    )
    return { ...(openId ? { openId } : {}), browser, clientKey: clientKeyOf(openId, req.ip) }
  }
  const viewer = (req: FastifyRequest) => {
    const cookie = req.cookies[PAY_BROWSER_COOKIE]
    return { openId: req.session?.openId, browser: cookie ? hashBinding(cookie) : undefined }
  }
  const owns = (req: FastifyRequest, o: Order) => {
    const v = viewer(req)
    return (
      (v.openId !== undefined && o.ownerOpenId === v.openId) ||
      (v.browser !== undefined && o.ownerBrowser === v.browser)
    )
  }
  const orderOrThrow = async (merOrderId: string) => {
    const o = await store.get(merOrderId)
    if (!o) throw new DomainError('not_found', 'NO_ORDER', '订单不存在')
    return o
  }

  app.post(
    '/api/pay/chinaums/orders',
    { schema: { body: createBody } },
    async (req, reply): Promise<H5OrderCreatedView> => {
      const { merOrderId, redirectUrl } = await checkout.createH5Order(req.body, creator(req, reply))
      return { merOrderId, redirectUrl }
    },
  )

  app.post('/api/pay/tn', { schema: { body: tnBody } }, async (req, reply): Promise<TnOrderCreatedView> => {
    if (!checkout.hasTnProvider)
      throw new DomainError('unavailable', 'TN_PROVIDER_MISSING', '尚未配置 tn 提供方（全渠道），App 内支付暂不可用')
    return checkout.createTnOrder(req.body.amount, req.body.description, creator(req, reply))
  })

  /** One order, for its owner (the user or browser that created it) or the merchant; anyone else learns nothing. */
  app.get(
    '/api/pay/orders/:merOrderId',
    { schema: { params: idParams }, config: { inputName: '订单号' } },
    async (req): Promise<OrderView> => {
      const o = await store.get(req.params.merOrderId)
      if (!o || !(owns(req, o) || isMerchant(req)))
        throw new DomainError('not_found', 'NO_ORDER', '订单不存在，或不是您的订单')
      return publicOrder(o)
    },
  )

  /** The user's own orders: created while logged in as this user, or from this browser. */
  app.get('/api/pay/my/orders', async (req): Promise<MyOrdersView> => ({
    orders: (await store.listOwned(viewer(req), 50)).map(publicOrder),
  }))

  app.get('/api/pay/admin', async (req): Promise<AdminStatusView> =>
    isMerchant(req)
      ? { allowed: true, tokenRequired: config.adminToken !== undefined }
      : { allowed: false, tokenRequired: true },
  )

  app.get('/api/pay/orders', { config: { admin: true } }, async (): Promise<OrderListView> => ({
    orders: await Promise.all(
      (await store.list(50)).map(async (o) => ({
        ...publicOrder(o),
        refunds: (await records.refunds.ofOrder(o.merOrderId)).map(publicRefund),
      })),
    ),
  }))

  app.post(
    '/api/pay/orders/:merOrderId/refund',
    { schema: { params: idParams, body: refundBody }, config: { admin: true } },
    async (req): Promise<RefundResultView> => {
      const { merOrderId } = req.params
      const { amount: refundAmount, refundOrderId, description, platformAmount, subOrders } = req.body
      const division =
        platformAmount !== undefined || subOrders !== undefined
          ? { platformAmount: platformAmount ?? 0, subOrders: subOrders ?? [] }
          : undefined
      const refund = await refunds.refund(merOrderId, refundAmount, refundOrderId, description, division)
      return { refund: publicRefund(refund), order: publicOrder(await orderOrThrow(merOrderId)) }
    },
  )

  app.post(
    '/api/pay/orders/:merOrderId/close',
    { schema: { params: idParams }, config: { admin: true } },
    async (req): Promise<OrderResultView> => ({
      order: publicOrder(await actions.close(req.params.merOrderId)),
    }),
  )

  app.post(
    '/api/pay/orders/:merOrderId/secure-cancel',
    { schema: { params: idParams }, config: { admin: true } },
    async (req): Promise<OrderResultView> => ({
      order: publicOrder(await actions.secureCancel(req.params.merOrderId)),
    }),
  )

  app.post(
    '/api/pay/orders/:merOrderId/secure-complete',
    { schema: { params: idParams, body: completeBody }, config: { admin: true } },
    async (req): Promise<OrderResultView> => {
      const r = await actions.secureComplete(req.params.merOrderId, req.body.amount)
      return { order: publicOrder(r.order), secureStatus: r.secureStatus }
    },
  )

  /**
   * 银商 支付结果通知 (form). The answer is the bare word SUCCESS or FAILED. Not under the browsers'
   * per-IP rate limit: 银商 sends every merchant's notifies from a few addresses and retries until
   * SUCCESS; only notifies that fail their sign (or cannot be read) count, per address.
   */
  app.post('/notify/chinaums', { ...NOTIFICATION_ROUTE, bodyLimit: NOTIFY_BODY_LIMIT }, async (req, reply) => {
    const params = flatStrings(req.body)
    reply.type('text/plain; charset=utf-8')
    if (!params) {
      refuseNotification(req)
      return 'FAILED'
    }
    const { answer, outcome } = await notifies.handle(params)
    if (outcome === 'bad_sign') refuseNotification(req)
    req.log.info(
      { merOrderId: params.merOrderId ?? params.billNo, status: params.status ?? params.billStatus, outcome },
      'chinaums notify',
    )
    return answer
  })

  /** 银商 returnUrl: verify, then hand over to the SPA's result page, which reads the store. */
  app.get('/pay/return', async (req, reply) => {
    const r = await notifies.verifyReturn(flatStrings(req.query) ?? {})
    const q = new URLSearchParams()
    if (r.merOrderId) q.set('merOrderId', r.merOrderId)
    q.set('back', !r.verified ? 'invalid' : r.buyerPaid ? 'paid' : 'unpaid')
    return reply.redirect(`/pay/result?${q.toString()}`, 302)
  })
}
