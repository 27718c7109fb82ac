import type { FastifyInstance } from 'fastify'

/**
 * Slow clients cannot hold connections open: a whole request must arrive within 30 s, its
 * headers within 15 s, and an idle keep-alive connection closes after 5 s.
 */
export const SERVER_TIMEOUTS = {
  requestTimeout: 30_000,
  connectionTimeout: 60_000,
  keepAliveTimeout: 5_000,
} as const

export const HEADERS_TIMEOUT_MS = 15_000

/** Fastify has no option for `headersTimeout`: set it on the underlying server. */
export function applyServerTimeouts(app: FastifyInstance): void {
  app.server.headersTimeout = HEADERS_TIMEOUT_MS
}
