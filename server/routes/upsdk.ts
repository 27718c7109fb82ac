import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { sha256Hex } from '../crypto/signing.ts'
import { AppError } from '../http/errors.ts'
import { normaliseSignedUrl, signUpsdkConfig } from '../unionpay/upsdk-config.ts'

/**
 * The page reported `a20` (the app says our frontToken is no longer valid — e.g. another system
 * with the same appId fetched a new one). Drop the cached token so the next signature uses a
 * fresh one. Each token can be dropped once, and forced refreshes are at least 10 s apart across
 * all instances, so pages cannot cause a refresh storm.
 */
async function dropRejectedFrontToken(ctx: AppContext): Promise<void> {
  const token = await ctx.tokens.get('front')
  const appId = ctx.config.unionpay.appId
  const tokenKey = `front-token-rejected:${appId}:${sha256Hex(token).slice(0, 32)}`
  if (await ctx.kv.get(tokenKey)) return
  if (!(await ctx.kv.setIfAbsent(`front-token-forced:${appId}`, '1', 10_000))) return
  await ctx.kv.set(tokenKey, '1', 2 * 3600_000)
  ctx.log.warn('a page reported frontToken rejected (a20); refreshing it')
  await ctx.tokens.invalidate('front', token)
}

/** POST /api/upsdk/config {url} → {appId, timestamp, nonceStr, signature} for upsdk.config. */
export function registerUpsdkRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/upsdk/config', { bodyLimit: 8 * 1024 }, async (req) => {
    const body = req.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 对象（Content-Type: application/json）')
    }
    const { url, frontTokenRejected } = body as { url?: unknown; frontTokenRejected?: unknown }
    const signedUrl = normaliseSignedUrl(url, ctx.config.unionpay.upsdkAllowedOrigins)
    if (frontTokenRejected === true) await dropRejectedFrontToken(ctx)
    const frontToken = await ctx.tokens.get('front')
    return signUpsdkConfig(ctx.config.unionpay.appId, frontToken, signedUrl, ctx.clock())
  })
}
