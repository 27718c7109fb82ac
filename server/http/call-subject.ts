import type { FastifyInstance, FastifyRequest } from 'fastify'
import { runForSubject } from '../unionpay/call-scope.ts'

/** The user a request's platform calls are counted for: the logged-in openId, else the client address. */
export function callSubject(req: FastifyRequest): string {
  return req.session ? `user:${req.session.openId}` : `ip:${req.ip}`
}

/** Runs every handler inside its caller's subject, for the per-user platform-call quota. */
export function registerCallSubjects(app: FastifyInstance): void {
  app.addHook('preHandler', (req, _reply, done) => {
    runForSubject(() => callSubject(req), done)
  })
}
