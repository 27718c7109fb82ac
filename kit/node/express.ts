import type { IncomingMessage, ServerResponse } from 'node:http'
import { createUpkitServer, type UpkitServer, type UpkitServerOptions } from './core.ts'
import { BodyError, errorJson, readBody, type KitRequest, type KitResponse } from './http.ts'

/** What the hooks get from express/connect: the request and response of the call. */
export interface ExpressNative<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
> {
  req: Req
  res: Res
}

type Next = (err?: unknown) => void

/** A connect-style middleware (express, connect, polka, Nest's express adapter) plus the core it runs on. */
export interface UpkitMiddleware<Req extends IncomingMessage, Res extends ServerResponse> {
  (req: Req, res: Res, next: Next): void
  readonly upkit: UpkitServer<ExpressNative<Req, Res>>
}

const BODY_LIMIT = 64 * 1024

function send(res: ServerResponse, r: KitResponse): void {
  res.statusCode = r.status
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v)
  res.end(r.body)
}

/**
 * The kit's routes as express/connect middleware: `app.use(upkitExpress({...}))`. Requests that
 * are not kit routes go on to `next()`. Reads the body itself unless a body parser already did
 * (`req.body`), at most 64 KiB.
 */
export function upkitExpress<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(options: UpkitServerOptions<ExpressNative<Req, Res>>): UpkitMiddleware<Req, Res> {
  const upkit = createUpkitServer(options)
  const middleware = (req: Req, res: Res, next: Next) => {
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/'
    const path = url.split('?')[0] ?? ''
    if (!path.startsWith('/api/') && !path.startsWith('/notify/')) return next()
    void (async () => {
      const parsed = (req as { body?: unknown }).body
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      let body: unknown = parsed
      if (parsed === undefined && hasBody && !req.readableEnded) {
        try {
          body = await readBody(req, req.headers['content-type'], BODY_LIMIT)
        } catch (err) {
          if (err instanceof BodyError) return send(res, errorJson(err.status, err.code, err.message))
          throw err
        }
      }
      const kitReq: KitRequest = { method: req.method ?? 'GET', url, headers: req.headers, body }
      const answer = await upkit.handle(kitReq, { req, res })
      if (answer === null) return next()
      if (!res.headersSent) send(res, answer)
    })().catch(next)
  }
  return Object.assign(middleware, { upkit })
}
