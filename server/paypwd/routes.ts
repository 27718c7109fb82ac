import { NOTIFICATION_ROUTE, refuseNotification } from '../http/rate-limit.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { collectParams } from '../contract/notify.ts'
import { readNotificationPairs, useRawNotificationBodies } from '../http/notification-body.ts'
import { requireSession } from '../session/plugin.ts'
import { PAY_PWD_PURPOSES, type PayPwdPurpose, type PayPwdService } from './service.ts'

export const PAY_PWD_NOTIFY_PATH = '/notify/unionpay/pay-password'

const startBody = z.object({
  purpose: z.enum(Object.keys(PAY_PWD_PURPOSES) as [PayPwdPurpose, ...PayPwdPurpose[]], '不是支持的操作'),
})
const idParams = z.object({ bizOrderId: z.string().regex(/^[0-9A-Za-z]{1,32}$/, '不是业务操作流水号') })

/** 支付密码验证 (seed 003 5.3): start, poll, spend, and the 5.3.2 notification. */
export async function registerPayPasswordRoutes(
  root: FastifyInstance,
  _ctx: AppContext,
  service: PayPwdService,
): Promise<void> {
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
    useRawNotificationBodies(scope)
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      reply.type('application/json; charset=utf-8')
      const answer = (resp: '00' | '01') => reply.send(JSON.stringify({ resp }))
      const pairs = readNotificationPairs(req)
      const params = pairs && collectParams(pairs.query, pairs.body)
      if (!params) {
        req.log.warn('pay-password notification: unreadable or ambiguous')
        refuseNotification(req)
        return answer('01')
      }
      const result = await service.notification(params)
      if (!result.ok) {
        if (result.reason !== 'incomplete') refuseNotification(req)
        req.log.warn({ reason: result.reason }, 'pay-password notification refused')
        return answer('01')
      }
      if (result.outcome === 'verified') req.log.info('pay-password verified by notification')
      else if (result.outcome !== 'replay')
        req.log.warn({ outcome: result.outcome }, 'pay-password notification matches no pending verification')
      return answer('00')
    }
    scope.get(PAY_PWD_NOTIFY_PATH, NOTIFICATION_ROUTE, handler)
    scope.post(PAY_PWD_NOTIFY_PATH, NOTIFICATION_ROUTE, handler)
  })
}
