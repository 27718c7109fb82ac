import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { UpsdkConfigSignature } from '../../common/api.ts'
import type { AppContext } from '../context.ts'
import { domainRule, jsonObject, withApiError } from '../http/validate.ts'
import { normaliseSignedUrl, signUpsdkConfig } from '../unionpay/upsdk-config.ts'

const rejectedField = z.string().min(1).max(128)

/**
 * `{url, rejected?}`: `url` the page to sign (a 安全域名 page, `#...` dropped; URL_REQUIRED,
 * URL_TOO_LONG, URL_INVALID, URL_ORIGIN_NOT_ALLOWED otherwise); `rejected` the config the app
 * refused with a20, as the page got it from us (REJECTED_CONFIG_INVALID otherwise).
 */
export function upsdkConfigBody(allowedOrigins: readonly string[]) {
  return jsonObject.pipe(
    z.object({
      url: domainRule((url) => normaliseSignedUrl(url, allowedOrigins)),
      rejected: withApiError(
        z.object({ timestamp: rejectedField, nonceStr: rejectedField, signature: rejectedField }),
        'REJECTED_CONFIG_INVALID',
        'rejected 须为被拒绝的签名 {timestamp, nonceStr, signature}',
      ).optional(),
    }),
  )
}

/**
 * POST /api/upsdk/config {url, rejected?} → {appId, timestamp, nonceStr, signature} for upsdk.config.
 * `rejected` reports an a20; the token manager decides whether it drops the frontToken.
 */
export function registerUpsdkRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const { appId, upsdkAllowedOrigins } = ctx.config.unionpay
  app.post(
    '/api/upsdk/config',
    { bodyLimit: 8 * 1024, schema: { body: upsdkConfigBody(upsdkAllowedOrigins) } },
    async (req): Promise<UpsdkConfigSignature> => {
      const { url, rejected } = req.body
      if (rejected) {
        const outcome = await ctx.tokens.reportFrontTokenRejected({ url, ...rejected })
        if (outcome === 'dropped') ctx.log.warn('a page proved frontToken rejected (a20); fetching a new one')
        else ctx.log.info({ outcome }, 'frontToken rejection report not acted on')
      }
      const frontToken = await ctx.tokens.get('front')
      return signUpsdkConfig(appId, frontToken, url, ctx.clock())
    },
  )
}
