import type { FastifyInstance } from 'fastify'
import { NOTIFICATION_ROUTE, refuseNotification } from '../http/rate-limit.ts'
import { notificationFields, type AcpFields } from './message.ts'
import type { NotifyResult } from './settling.ts'

/**
 * A 全渠道 backUrl route (消费, 无跳转, 预授权): an url-encoded form, answered 200 `ok` only once
 * `handle` has stored the result, else `fail` with its status. A body that cannot be read or a
 * notification whose signature does not verify counts against the sender's address
 * (`refuseNotification`).
 */
export function registerAcpNotifyRoute(
  app: FastifyInstance,
  path: string,
  handle: (fields: AcpFields) => Promise<NotifyResult>,
): void {
  app.post(path, NOTIFICATION_ROUTE, async (req, reply) => {
    const fields = notificationFields(req.body)
    if (!fields) {
      refuseNotification(req)
      return reply.status(400).type('text/plain').send('fail')
    }
    const r = await handle(fields)
    if (r.outcome === 'bad_signature') refuseNotification(req)
    return reply
      .status(r.status)
      .type('text/plain')
      .send(r.status === 200 ? 'ok' : 'fail')
  })
}
