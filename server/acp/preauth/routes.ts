import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { PreauthHoldView, PreauthOrderView } from '../../../common/api.ts'
import type { AppContext } from '../../context.ts'
import { unavailable } from '../../http/errors.ts'
import { requireSession } from '../../session/plugin.ts'
import type { PreauthOrder } from './repo.ts'
import type { HoldView, PreauthService } from './service.ts'
import { registerAcpNotifyRoute } from '../notify-route.ts'

const amount = z.number({ error: '金额必须是数字（单位：分）' }).int('金额以分为单位，须为整数').min(1).max(100_000_000)
const holdBody = z.strictObject({ bindingId: z.string().regex(/^B\d{22}$/, '绑卡编号格式不正确'), amount })
const completeBody = z.strictObject({ amount })
const params = z.strictObject({ orderId: z.string().regex(/^P\d{22}$/, '预授权编号格式不正确') })

const orderView = (o: PreauthOrder): PreauthOrderView => ({
  orderId: o.orderId,
  kind: o.kind,
  amount: o.amount,
  status: o.status,
  respCode: o.respCode,
  respMsg: o.respMsg,
  needsReconciliation: o.needsReconciliation,
  createdAt: o.createdAt,
  settledAt: o.settledAt,
})

/** What the page shows of a hold: the hold, what acted on it, the standing completion. */
export const holdView = (v: HoldView): PreauthHoldView => ({
  ...orderView(v.hold),
  bindingId: v.hold.bindingId,
  completion: v.completion ? orderView(v.completion) : null,
  followUps: v.followUps.map(orderView),
})

/**
 * 预授权 routes (docs/preauth.md): the signed-in user holds an amount on an opened card, voids the
 * hold, completes it, voids the completion (the demo gives the merchant's steps to the card's
 * owner); UnionPay posts notifications. 503 without 全渠道 + UNIONPAY_ACP_TR_ID.
 */
export async function registerPreauthRoutes(
  root: FastifyInstance,
  _ctx: AppContext,
  svc: PreauthService | null,
): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()
  if (!svc) {
    const off = async () => {
      throw unavailable(
        'PREAUTH_NOT_CONFIGURED',
        '未配置银联无跳转支付（UNIONPAY_ACP_* 与 UNIONPAY_ACP_TR_ID），预授权不可用',
      )
    }
    for (const url of ['/api/nojump/preauth', '/api/nojump/preauth/:orderId']) app.get(url, off)
    for (const url of [
      '/api/nojump/preauth',
      '/api/nojump/preauth/:orderId/void',
      '/api/nojump/preauth/:orderId/complete',
      '/api/nojump/preauth/:orderId/completion/void',
      '/notify/unionpay/acp/preauth',
    ])
      app.post(url, off)
    return
  }
  const s: PreauthService = svc
  const again = async (openId: string, holdId: string) => holdView(await s.view(await s.ownHold(openId, holdId)))

  app.get('/api/nojump/preauth', async (req) => ({
    holds: (await s.holdsOf(requireSession(req).openId)).map(holdView),
  }))

  app.get('/api/nojump/preauth/:orderId', { schema: { params } }, async (req) => {
    const openId = requireSession(req).openId
    const h = await s.ownHold(openId, req.params.orderId)
    return { ...holdView(await s.view(h)), events: await s.repo.events(h.orderId) }
  })

  app.post('/api/nojump/preauth', { schema: { body: holdBody } }, async (req) => {
    const openId = requireSession(req).openId
    const h = await s.hold(openId, req.body.bindingId, req.body.amount)
    return again(openId, h.orderId)
  })

  app.post('/api/nojump/preauth/:orderId/void', { schema: { params } }, async (req) => {
    const openId = requireSession(req).openId
    await s.voidHold(openId, req.params.orderId)
    return again(openId, req.params.orderId)
  })

  app.post('/api/nojump/preauth/:orderId/complete', { schema: { params, body: completeBody } }, async (req) => {
    const openId = requireSession(req).openId
    await s.complete(openId, req.params.orderId, req.body.amount)
    return again(openId, req.params.orderId)
  })

  app.post('/api/nojump/preauth/:orderId/completion/void', { schema: { params } }, async (req) => {
    const openId = requireSession(req).openId
    await s.voidCompletion(openId, req.params.orderId)
    return again(openId, req.params.orderId)
  })

  registerAcpNotifyRoute(app, '/notify/unionpay/acp/preauth', (fields) => s.handleNotification(fields))
}
