import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { safeEqual } from '../crypto/signing.ts'
import { forbidden } from '../http/errors.ts'
import { parseInput } from '../http/validate.ts'
import { MarketingRepo } from '../marketing/repo.ts'
import { MarketingService } from '../marketing/service.ts'
import { requireSession } from '../session/plugin.ts'
import { pushMessage } from '../unionpay/msg-push.ts'
import { openApiDeps } from './open-api-deps.ts'

const pushBody = z.object({ content: z.string().max(1000, '过长'), url: z.string().max(1024, '过长').optional() })
const giveBody = z.object({
  amount: z.number().int('金额须为整数（分）').min(1, '至少 1 分').max(20_000, '演示中单笔最多 200 元'),
  remark: z.string().max(64, '备注过长').optional(),
})
const grantBody = z.object({ count: z.number().int('须为整数').min(1, '至少 1 次').max(10, '演示中单次最多 10 次') })

/**
 * 消息推送 (5.5) and 红包/抽奖 (5.8) for the demo: the merchant side (push, balance, give, grant)
 * needs the admin token outside the sandbox; the user side (chances, draw) needs a session.
 * Every action targets the session's own openId.
 */
export async function registerMarketingRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { config } = ctx
  const api = openApiDeps(ctx)
  const service = new MarketingService({
    repo: new MarketingRepo(ctx.db, ctx.clock),
    api,
    insAcctId: config.unionpay.insAcctId,
    qualNum: config.unionpay.qualNum,
    activityNumber: config.unionpay.activityNumber,
  })

  const requireAdmin = (req: FastifyRequest) => {
    if (!config.adminToken) {
      if (config.sandbox) return
      throw forbidden('ADMIN_DISABLED', '未配置 ADMIN_TOKEN，商户操作（推送、红包、赠送抽奖次数）已关闭')
    }
    const given = req.headers['x-admin-token']
    if (typeof given !== 'string' || !safeEqual(given, config.adminToken)) throw forbidden('ADMIN_TOKEN_REQUIRED', '需要商户管理令牌（X-Admin-Token）')
  }

  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/marketing')) reply.header('cache-control', 'no-store')
  })

  app.get('/api/marketing/admin', async (req) => {
    try {
      requireAdmin(req)
      return { allowed: true, tokenRequired: config.adminToken !== undefined }
    } catch {
      return { allowed: false, tokenRequired: true }
    }
  })

  app.post('/api/marketing/push', async (req) => {
    const s = requireSession(req)
    requireAdmin(req)
    const body = parseInput(pushBody, req.body ?? {}, '请求体')
    const url = body.url ?? `${config.publicBaseUrl}/marketing`
    await pushMessage(api, config.unionpay.upsdkAllowedOrigins, { openId: s.openId, content: body.content, url })
    return { ok: true, url }
  })

  app.get('/api/marketing/red-packet/balance', async (req) => {
    requireAdmin(req)
    return service.balance()
  })

  app.post('/api/marketing/red-packet', async (req) => {
    const s = requireSession(req)
    requireAdmin(req)
    const body = parseInput(giveBody, req.body ?? {}, '请求体')
    return service.give(s.openId, body.amount, body.remark)
  })

  app.get('/api/marketing/chances', async (req) => {
    const s = requireSession(req)
    return { chances: await service.chances(s.openId) }
  })

  app.post('/api/marketing/chances', async (req) => {
    const s = requireSession(req)
    requireAdmin(req)
    const body = parseInput(grantBody, req.body ?? {}, '请求体')
    return { chances: await service.grant(s.openId, body.count) }
  })

  app.post('/api/marketing/draws', async (req) => {
    const s = requireSession(req)
    return service.draw(s.openId)
  })
}
