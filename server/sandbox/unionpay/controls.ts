import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context.ts'

/**
 * `/__control/unionpay/*` (mounted at the sandbox root): the call log, and tokens lost "to
 * another system with the same appId".
 */
export function registerTokenControls(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/__control/unionpay/calls', async () => ({
    calls: ctx.unionpay.calls.map((c) => ({ api: c.api, at: c.at, resp: c.resp })),
  }))
  app.post<{ Querystring: { back?: string } }>('/__control/unionpay/expire-tokens', async (req, reply) => {
    ctx.unionpay.backendToken = null
    ctx.unionpay.frontToken = null
    if (req.query.back) return reply.redirect(`${ctx.sandboxBaseUrl}/`)
    return { ok: true }
  })
  /** "Another system with the same appId fetched a new frontToken": ours stops working (a20). */
  app.post('/__control/unionpay/rotate-front-token', async () => {
    ctx.unionpay.issueToken('front')
    return { ok: true }
  })
}
