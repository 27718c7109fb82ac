import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { unauthorized } from '../http/errors.ts'
import type { Session, SessionStore } from './store.ts'

export const SESSION_COOKIE = 'upkit_sid'

declare module 'fastify' {
  interface FastifyRequest {
    /** The browser's session, or null. */
    session: Session | null
    sessionId: string | null
  }
}

/** Reads the session cookie on every request (cookies are parsed by @fastify/cookie). */
export function registerSessions(app: FastifyInstance, store: SessionStore): void {
  app.decorateRequest('session', null)
  app.decorateRequest('sessionId', null)
  // callback style: a request without the cookie (the signing route's usual case) costs no promise
  app.addHook('onRequest', (req, _reply, done) => {
    const id = req.cookies[SESSION_COOKIE]
    if (!id) return done()
    store.get(id).then((s) => {
      if (s) {
        req.session = s
        req.sessionId = id
      }
      done()
    }, done)
  })
}

export function setSessionCookie(reply: FastifyReply, id: string, secure: boolean, maxAgeMs: number): void {
  reply.setCookie(SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: Math.floor(maxAgeMs / 1000),
  })
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure })
}

/** The session of a request that needs a logged-in user; 401 otherwise. */
export function requireSession(req: FastifyRequest): Session {
  if (!req.session) throw unauthorized('NOT_LOGGED_IN', '请先登录（云闪付授权）')
  return req.session
}
