import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { collectParams, jsonPairs } from '../contract/notify.ts'
import { parseRawPairs, rawQuery } from '../http/raw-query.ts'
import { requireSession } from '../session/plugin.ts'
import { PAY_PWD_PURPOSES, type PayPwdPurpose, type PayPwdService } from './service.ts'

export const PAY_PWD_NOTIFY_PATH = '/notify/unionpay/pay-password'

const startBody = z.object({
  purpose: z.enum(Object.keys(PAY_PWD_PURPOSES) as [PayPwdPurpose, ...PayPwdPurpose[]], '不是支持的操作'),
})
const idParams = z.object({ bizOrderId: z.string().regex(/^[0-9A-Za-z]{1,32}$/, '不是业务操作流水号') })

/** 支付密码验证 (seed 003 5.3): start, poll, spend, and the 5.3.2 notification. */
export async function registerPayPasswordRoutes(root: FastifyInstance, _ctx: AppContext, service: PayPwdService): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()

  app.post('/api/pay-password/verifications', { schema: { body: startBody } }, async (req) =>
    service.start(requireSession(req), req.body.purpose, req.ip),
  )

  app.get('/api/pay-password/verifications/:bizOrderId', { schema: { params: idParams } }, async (req) =>
    service.status(req.params.bizOrderId, requireSession(req).openId),
  )

  /** The demo's sensitive action: succeeds only with a verification the notification confirmed. */
  app.post('/api/pay-password/verifications/:bizOrderId/use', { schema: { params: idParams } }, async (req) =>
    service.use(req.params.bizOrderId, requireSession(req).openId),
  )

  await root.register(async (scope) => {
    // Raw bodies: a malformed one is answered {"resp":"01"} like any unverifiable notification,
    // and form bodies keep their `+` (base64 openId and signature).
    for (const type of ['application/x-www-form-urlencoded', 'application/json', 'text/plain']) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type)
      scope.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, { raw: body }))
    }
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      reply.type('application/json; charset=utf-8')
      const answer = (resp: '00' | '01') => reply.send(JSON.stringify({ resp }))
      let fromBody: Array<[string, string]> = []
      const raw = (req.body as { raw?: unknown } | undefined)?.raw
      if (typeof raw === 'string' && raw.trim() !== '') {
        const text = raw.trim()
        let pairs: Array<[string, string]> | null = null
        try {
          pairs = text.startsWith('{') ? jsonPairs(JSON.parse(text)) : parseRawPairs(text)
        } catch {
          pairs = null
        }
        if (!pairs) {
          req.log.warn('pay-password notification: unreadable body')
          return answer('01')
        }
        fromBody = pairs
      }
      const params = collectParams(parseRawPairs(rawQuery(req.url)), fromBody)
      if (!params) return answer('01')
      const result = service.notification(params)
      if (!result.ok) {
        req.log.warn({ reason: result.reason }, 'pay-password notification refused')
        return answer('01')
      }
      if (result.outcome === 'verified') req.log.info('pay-password verified by notification')
      else if (result.outcome !== 'replay') req.log.warn({ outcome: result.outcome }, 'pay-password notification matches no pending verification')
      return answer('00')
    }
    scope.get(PAY_PWD_NOTIFY_PATH, handler)
    scope.post(PAY_PWD_NOTIFY_PATH, handler)
  })
}
