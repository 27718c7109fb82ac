import type { FastifyInstance } from 'fastify'

/** Answers under these prefixes are per-user or per-message: no cache may keep them. */
export const NO_STORE_PREFIXES = ['/api/', '/notify/'] as const

/** `Cache-Control: no-store` by default on `/api` and `/notify` (a route may still set its own). */
export function registerNoStore(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    if (NO_STORE_PREFIXES.some((p) => req.url.startsWith(p))) reply.header('cache-control', 'no-store')
    done()
  })
}
