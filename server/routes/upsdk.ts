import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { parseInput } from '../http/validate.ts'
import { normaliseSignedUrl, signUpsdkConfig } from '../unionpay/upsdk-config.ts'

const bodySchema = z.object({ url: z.unknown() })

/** POST /api/upsdk/config {url} → {appId, timestamp, nonceStr, signature} for upsdk.config. */
export function registerUpsdkRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/upsdk/config', { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const { url } = parseInput(bodySchema, req.body ?? {}, '请求体')
    const signedUrl = normaliseSignedUrl(url, ctx.config.unionpay.upsdkAllowedOrigins)
    const frontToken = await ctx.tokens.get('front')
    reply.header('cache-control', 'no-store')
    return signUpsdkConfig(ctx.config.unionpay.appId, frontToken, signedUrl, ctx.clock())
  })
}
