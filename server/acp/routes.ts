import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { safeEqual } from '../crypto/signing.ts'
import { AppError, forbidden, notFound, unavailable } from '../http/errors.ts'
import { parseInput } from '../http/validate.ts'
import { requireSession } from '../session/plugin.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import { AcpFeatureError } from './errors.ts'
import type { AcpOrder } from './repo.ts'
import { beijingDayStart, type AcpService } from './service.ts'

const STATUS: Record<AcpFeatureError['kind'], number> = { invalid: 400, not_found: 404, conflict: 409, limit: 422, refused: 502, unavailable: 503 }

/** The one place 全渠道 domain errors become HTTP answers. */
function toAppError(e: unknown): unknown {
  if (e instanceof AcpFeatureError) return new AppError(STATUS[e.kind], e.code, e.message, e.details)
  if (e instanceof UnionpayError) return new AppError(502, 'ARREARS_CHECK_FAILED', '用户状态查询（欠款检查）失败，未扣款，请稍后重试')
  return e
}
async function domain<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f()
  } catch (e) {
    throw toAppError(e)
  }
}

const amount = z.number().int('金额以分为单位，须为整数').min(1).max(100_000_000)
const chargeSchema = z.strictObject({
  contractId: z.string().regex(/^[A-Za-z0-9]{1,32}$/, '签约协议号为 1-32 位字母或数字'),
  amount,
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '幂等键为 8-64 位字母、数字、_ 或 -'),
  description: z.string().max(64).optional(),
})
const refundSchema = z.strictObject({ amount })
const orderParams = z.strictObject({ orderId: z.string().regex(/^[0-9A-Za-z]{8,40}$/) })

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
    reversals: reversals.map((r) => ({ orderId: r.orderId, kind: r.kind, amount: r.amount, status: r.status, respMsg: r.respMsg, createdAt: r.createdAt })),
  }
}

/**
 * 全渠道 routes: contract charges (merchant) and the user's charges, 全渠道 orders with void
 * and refund (merchant), the backUrl notification. Without UNIONPAY_ACP_* they answer 503.
 */
export function registerAcpRoutes(app: FastifyInstance, ctx: AppContext, acp: AcpService | null): void {
  const { config } = ctx
  const need = (): AcpService => {
    if (!acp) throw unavailable('ACP_NOT_CONFIGURED', '未配置全渠道（UNIONPAY_ACP_*），无感支付扣款与 App 内支付不可用')
    return acp
  }
  /** Merchant actions: open in the sandbox unless ADMIN_TOKEN is set; otherwise the token is required. */
  const requireAdmin = (req: FastifyRequest) => {
    if (!config.adminToken) {
      if (config.sandbox) return
      throw forbidden('ADMIN_DISABLED', '未配置 ADMIN_TOKEN，商户操作已关闭')
    }
    const given = req.headers['x-admin-token']
    if (typeof given !== 'string' || !safeEqual(given, config.adminToken)) throw forbidden('ADMIN_TOKEN_REQUIRED', '需要商户管理令牌（X-Admin-Token）')
  }
  const withReversals = (s: AcpService, o: AcpOrder) => acpView(o, s.repo.reversalsOf(o.orderId))

  app.post('/api/contract/charges', async (req) => {
    requireAdmin(req)
    const s = need()
    const input = parseInput(chargeSchema, req.body)
    const o = await domain(() => s.charge(input))
    return withReversals(s, o)
  })

  /** The session user's charges (contract page). */
  app.get('/api/contract/charges', async (req) => {
    const session = requireSession(req)
    if (!acp) return { charges: [] }
    return { charges: acp.repo.listByOpenId(session.openId).map((o) => withReversals(acp, o)) }
  })

  /** For the merchant demo page: signed contracts, their plan limits and what they used today. */
  app.get('/api/acp/contracts', async (req) => {
    requireAdmin(req)
    const s = need()
    const since = beijingDayStart(ctx.clock())
    return {
      contracts: s.repo.signedContracts(config.unionpay.appId).map((c) => ({
        contractId: c.contractId,
        planId: c.planId,
        limits: config.acp?.planLimits[c.planId] ?? null,
        usedToday: s.repo.chargedSince(c.contractId, since),
      })),
    }
  })

  app.get('/api/acp/orders', async (req) => {
    requireAdmin(req)
    const s = need()
    return { orders: s.repo.listConsumes().map((o) => withReversals(s, o)) }
  })

  app.get('/api/acp/orders/:orderId', async (req) => {
    requireAdmin(req)
    const s = need()
    const { orderId } = parseInput(orderParams, req.params, '订单号')
    const o = s.repo.get(orderId)
    if (!o) throw notFound('NO_ORDER', '订单不存在')
    return { ...withReversals(s, o), events: s.repo.events(orderId) }
  })

  app.post('/api/acp/orders/:orderId/void', async (req) => {
    requireAdmin(req)
    const s = need()
    const { orderId } = parseInput(orderParams, req.params, '订单号')
    const r = await domain(() => s.voidConsume(orderId))
    return { reversal: acpView(r), order: withReversals(s, s.repo.get(orderId) as AcpOrder) }
  })

  app.post('/api/acp/orders/:orderId/refund', async (req) => {
    requireAdmin(req)
    const s = need()
    const { orderId } = parseInput(orderParams, req.params, '订单号')
    const { amount: amt } = parseInput(refundSchema, req.body)
    const r = await domain(() => s.refund(orderId, amt))
    return { reversal: acpView(r), order: withReversals(s, s.repo.get(orderId) as AcpOrder) }
  })

  /** backUrl: url-encoded form; 200 only once the result is stored. */
  app.post('/notify/unionpay/acp', async (req, reply) => {
    const s = need()
    const body = req.body
    const fields: Record<string, string> = {}
    if (body && typeof body === 'object') {
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (typeof v !== 'string') return reply.status(400).type('text/plain').send('fail')
        fields[k] = v
      }
    }
    const r = s.handleNotification(fields)
    return reply.status(r.status).type('text/plain').send(r.status === 200 ? 'ok' : 'fail')
  })
}
