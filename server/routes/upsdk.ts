import type { FastifyInstance } from 'fastify'
import type { UpsdkConfigSignature } from '../../common/api.ts'
import type { AppContext } from '../context.ts'
import { AppError, badRequest } from '../http/errors.ts'
import type { RejectedConfig } from '../unionpay/tokens.ts'
import { normaliseSignedUrl, signUpsdkConfig } from '../unionpay/upsdk-config.ts'

/** `rejected`: the config the app refused with a20, as the page got it from us. */
function readRejected(value: unknown, url: string): RejectedConfig | undefined {
  if (value === undefined) return undefined
  const v = value as Record<string, unknown> | null
  const field = (k: string) =>
    typeof v?.[k] === 'string' && (v[k] as string).length <= 128 ? (v[k] as string) : undefined
  const timestamp = field('timestamp')
  const nonceStr = field('nonceStr')
  const signature = field('signature')
  if (typeof value !== 'object' || !timestamp || !nonceStr || !signature) {
    throw badRequest('REJECTED_CONFIG_INVALID', 'rejected 须为被拒绝的签名 {timestamp, nonceStr, signature}')
  }
  return { url, timestamp, nonceStr, signature }
}

/**
 * POST /api/upsdk/config {url, rejected?} → {appId, timestamp, nonceStr, signature} for upsdk.config.
 * `rejected` reports an a20; the token manager decides whether it drops the frontToken.
 */
export function registerUpsdkRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/upsdk/config', { bodyLimit: 8 * 1024 }, async (req): Promise<UpsdkConfigSignature> => {
    const body = req.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 对象（Content-Type: application/json）')
    }
    const { url, rejected } = body as { url?: unknown; rejected?: unknown }
    const signedUrl = normaliseSignedUrl(url, ctx.config.unionpay.upsdkAllowedOrigins)
    const report = readRejected(rejected, signedUrl)
    if (report) {
      const outcome = await ctx.tokens.reportFrontTokenRejected(report)
      if (outcome === 'dropped') ctx.log.warn('a page proved frontToken rejected (a20); fetching a new one')
      else ctx.log.info({ outcome }, 'frontToken rejection report not acted on')
    }
    const frontToken = await ctx.tokens.get('front')
    return signUpsdkConfig(ctx.config.unionpay.appId, frontToken, signedUrl, ctx.clock())
  })
}
