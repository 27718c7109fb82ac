import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { notFound, unavailable } from '../http/errors.ts'
import { requireSession } from '../session/plugin.ts'
import type { AcpOrder } from './repo.ts'
import { beijingDayStart } from '../time.ts'
import type { AcpService } from './service.ts'
import { registerAcpNotifyRoute } from './notify-route.ts'

const amount = z.number({ error: '金额必须是数字（单位：分）' }).int('金额以分为单位，须为整数').min(1).max(100_000_000)
const chargeBody = z.strictObject({
  contractId: z.string().regex(/^[A-Za-z0-9]{1,32}$/, '签约协议号为 1-32 位字母或数字'),
  amount,
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '幂等键为 8-64 位字母、数字、_ 或 -'),
  description: z.string().max(64).optional(),
})
const refundBody = z.strictObject({ amount })
const orderParams = z.strictObject({ orderId: z.string().regex(/^[0-9A-Za-z]{8,40}$/, '订单号为 8-40 位字母或数字') })

/** What the merchant and the user see of one 全渠道 transaction. */
export function acpView(o: AcpOrder, reversals: AcpOrder[] = []) {
  return {
    orderId: o.orderId,
    kind: o.kind,
    amount: o.amount,
    status: o.status,
    refundedAmount: o.refundedAmount,
    respCode: o.respCode,
    respMsg: o.respMsg,
    contractId: o.contractId,
    planId: o.planId,
    payOrderId: o.payOrderId,
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
 * 全渠道 routes (docs/acp.md): contract charges (merchant) and the user's charges, 全渠道 orders
 * with void and refund (merchant), the backUrl notification. Without UNIONPAY_ACP_* they answer 503.
 */
export async function registerAcpRoutes(root: FastifyInstance, ctx: AppContext, acp: AcpService | null): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const { config } = ctx
  const admin = { admin: true }
  if (!acp) {
    // Not configured: every 全渠道 route answers 503 naming what to configure, before any input check.
    const off = async () => {
      throw unavailable('ACP_NOT_CONFIGURED', '未配置全渠道（UNIONPAY_ACP_*），无感支付扣款与 App 内支付不可用')
    }
    for (const url of ['/api/contract/charges', '/api/acp/orders/:orderId/void', '/api/acp/orders/:orderId/refund'])
      app.post(url, { config: admin }, off)
    for (const url of ['/api/acp/contracts', '/api/acp/orders', '/api/acp/orders/:orderId'])
      app.get(url, { config: admin }, off)
    app.post('/notify/unionpay/acp', off)
    app.get('/api/contract/charges', async (req) => {
      requireSession(req)
      return { charges: [] }
    })
    return
  }
  const s: AcpService = acp
  const withReversals = async (svc: AcpService, o: AcpOrder) => acpView(o, await svc.repo.reversalsOf(o.orderId))

  app.post('/api/contract/charges', { config: admin, schema: { body: chargeBody } }, async (req) => {
    return withReversals(s, await s.charge(req.body))
  })

  /** The session user's charges (contract page). */
  app.get('/api/contract/charges', async (req) => {
    const session = requireSession(req)
    return { charges: await Promise.all((await s.repo.listByOpenId(session.openId)).map((o) => withReversals(s, o))) }
  })

  /** For the merchant demo page: signed contracts, their plan limits and what they used today. */
  app.get('/api/acp/contracts', { config: admin }, async () => {
    const since = beijingDayStart(ctx.clock())
    return {
      contracts: await Promise.all(
        (await s.repo.signedContracts(config.unionpay.appId)).map(async (c) => ({
          contractId: c.contractId,
          planId: c.planId,
          limits: config.acp?.planLimits[c.planId] ?? null,
          usedToday: await s.repo.chargedSince(c.contractId, since),
        })),
      ),
    }
  })

  app.get('/api/acp/orders', { config: admin }, async () => {
    return { orders: await Promise.all((await s.repo.listConsumes()).map((o) => withReversals(s, o))) }
  })

  app.get(
    '/api/acp/orders/:orderId',
    { config: { ...admin, inputName: '订单号' }, schema: { params: orderParams } },
    async (req) => {
      const o = await s.repo.get(req.params.orderId)
      if (!o) throw notFound('NO_ORDER', '订单不存在')
      return { ...(await withReversals(s, o)), events: await s.repo.events(o.orderId) }
    },
  )

  app.post('/api/acp/orders/:orderId/void', { config: admin, schema: { params: orderParams } }, async (req) => {
    const r = await s.voidConsume(req.params.orderId)
    return { reversal: acpView(r), order: await withReversals(s, (await s.repo.get(req.params.orderId)) as AcpOrder) }
  })

  app.post(
    '/api/acp/orders/:orderId/refund',
    { config: admin, schema: { params: orderParams, body: refundBody } },
    async (req) => {
      const r = await s.refund(req.params.orderId, req.body.amount)
      return { reversal: acpView(r), order: await withReversals(s, (await s.repo.get(req.params.orderId)) as AcpOrder) }
    },
  )

  registerAcpNotifyRoute(app, '/notify/unionpay/acp', (fields) => s.handleNotification(fields))
}
