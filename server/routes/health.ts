import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'

const healthReply = z.object({ ok: z.literal(true) })

export function registerHealthRoutes(app: FastifyInstance): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/healthz', { schema: { response: { 200: healthReply } } }, async () => ({ ok: true as const }))
}
