import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { sql } from 'kysely'
import { z } from 'zod'
import type { AppContext } from '../context.ts'

const healthReply = z.object({ ok: z.literal(true) })

/**
 * `/healthz`: the process answers (liveness). `/readyz`: this instance can serve — the record
 * store and the KV store answer — for a load balancer's health check; 503 while shutting down.
 */
export function registerHealthRoutes(app: FastifyInstance, ctx?: Pick<AppContext, 'db' | 'kv'>): void {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/healthz', { schema: { response: { 200: healthReply } } }, async () => ({ ok: true as const }))
  app.get('/readyz', async (_req, reply) => {
    const failed: string[] = []
    if (closing) failed.push('shutting-down')
    if (ctx) {
      await sql`SELECT 1`.execute(ctx.db).catch(() => failed.push('database'))
      await ctx.kv.get('readyz').catch(() => failed.push('kv'))
    }
    reply.header('cache-control', 'no-store')
    if (failed.length) return reply.code(503).send({ ok: false, failed })
    return { ok: true }
  })
}
