import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createUpkitServer, KIT_ROUTES, type UpkitServer, type UpkitServerOptions } from './core.ts'
import { parseBody, type KitRequest } from './http.ts'

/** What the hooks get from fastify. */
export interface FastifyNative {
  request: FastifyRequest
  reply: FastifyReply
}

declare module 'fastify' {
  interface FastifyInstance {
    upkit: UpkitServer<FastifyNative>
  }
}

/**
 * The kit's routes as a fastify plugin: `await app.register(upkitFastify, {...})`. Registers the
 * CONTRACT.md routes (with a form parser for the 银商 notify when none is registered) and
 * decorates `app.upkit` with the core (tokens, signConfig, …).
 */
export async function upkitFastify(app: FastifyInstance, options: UpkitServerOptions<FastifyNative>): Promise<void> {
  const upkit = createUpkitServer(options)
  app.decorate('upkit', upkit)
  app.addHook('onClose', async () => upkit.close())
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
      try {
        done(null, parseBody(String(body), req.headers['content-type']))
      } catch (err) {
        done(err as Error, undefined)
      }
    })
  }
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const kitReq: KitRequest = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
    }
    const answer = await upkit.handle(kitReq, { request, reply })
    if (answer === null) return reply.callNotFound()
    return reply.status(answer.status).headers(answer.headers).send(answer.body)
  }
  const methods = ['GET', 'POST'] as const
  for (const url of Object.values(KIT_ROUTES)) app.route({ method: [...methods], url, handler, bodyLimit: 64 * 1024 })
}
// Registered without encapsulation, like fastify-plugin does: `app.upkit` is visible to the app.
;(upkitFastify as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true
