import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { normaliseSignedUrl, signUpsdkConfig } from '../unionpay/upsdk-config.ts'

/** POST /api/upsdk/config {url} → {appId, timestamp, nonceStr, signature} for upsdk.config. */
export function registerUpsdkRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/upsdk/config', { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const body = req.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 对象（Content-Type: application/json）')
    }
    const { url } = body as { url?: unknown }
    const signedUrl = normaliseSignedUrl(url, ctx.config.unionpay.upsdkAllowedOrigins)
    const frontToken = await ctx.tokens.get('front')
    reply.header('cache-control', 'no-store')
    return signUpsdkConfig(ctx.config.unionpay.appId, frontToken, signedUrl, ctx.clock())
  })
}
