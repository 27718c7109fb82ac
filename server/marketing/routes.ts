import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { checkAdmin } from '../http/admin.ts'
import { requireSession } from '../session/plugin.ts'
import type { MarketingModule } from './service.ts'

const pushBody = z.object({ content: z.string().max(1000, '过长'), url: z.string().max(1024, '过长').optional() })
const giveBody = z.object({
  amount: z.number().int('金额须为整数（分）').min(1, '至少 1 分').max(20_000, '演示中单笔最多 200 元'),
  remark: z.string().max(64, '备注过长').optional(),
})
const grantBody = z.object({ count: z.number().int('须为整数').min(1, '至少 1 次').max(10, '演示中单次最多 10 次') })

/**
 * 消息推送 (5.5) and 红包/抽奖 (5.8) for the demo: the merchant side (push, balance, give, grant)
 * is `admin` (X-Admin-Token outside the sandbox); the user side (chances, draw) needs a session.
 * Every action targets the session's own openId.
 */
export async function registerMarketingRoutes(
  root: FastifyInstance,
  ctx: AppContext,
  m: MarketingModule,
): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const { config } = ctx
  const admin = { admin: true }

  app.get('/api/marketing/admin', async (req) => {
    try {
      checkAdmin(req, config)
      return { allowed: true, tokenRequired: config.adminToken !== undefined }
    } catch {
      return { allowed: false, tokenRequired: true }
    }
  })

  app.post('/api/marketing/push', { config: admin, schema: { body: pushBody } }, async (req) => {
    const s = requireSession(req)
    const url = req.body.url ?? `${config.publicBaseUrl}/marketing`
    await m.push({ openId: s.openId, content: req.body.content, url })
    return { ok: true, url }
  })

  app.get('/api/marketing/red-packet/balance', { config: admin }, async () => m.service.balance())

  app.post('/api/marketing/red-packet', { config: admin, schema: { body: giveBody } }, async (req) =>
    m.service.give(requireSession(req).openId, req.body.amount, req.body.remark),
  )

  app.get('/api/marketing/chances', async (req) => ({ chances: await m.service.chances(requireSession(req).openId) }))

  app.post('/api/marketing/chances', { config: admin, schema: { body: grantBody } }, async (req) => ({
    chances: await m.service.grant(requireSession(req).openId, req.body.count),
  }))

  app.post('/api/marketing/draws', async (req) => m.service.draw(requireSession(req).openId))
}
