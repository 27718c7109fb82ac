import type { FastifyError, FastifyInstance } from 'fastify'
import type { ApiErrorBody, ApiErrorCode } from '../../common/api.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import { AppError } from './errors.ts'

/** Platform codes that mean the appId or the user's scope does not allow the API. */
const FORBIDDEN_CODES = new Set(['N62131', 'S52131'])

const body = (code: ApiErrorCode, message: string, details?: Record<string, unknown>): ApiErrorBody => ({
  error: details ? { code, message, details } : { code, message },
})

/** Maps every thrown error to `{"error":{"code","message"}}` with a fitting status. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.warn({ code: err.code }, err.message)
      return reply.status(err.status).send(body(err.code, err.message, err.details))
    }
    if (err instanceof UnionpayError) {
      req.log.warn({ api: err.api, resp: err.resp, kind: err.kind }, 'unionpay call failed')
      // "no permission for this API" is the merchant's configuration, not a gateway failure
      const status = err.kind === 'timeout' ? 504 : FORBIDDEN_CODES.has(err.resp) ? 403 : 502
      return reply
        .status(status)
        .send(body(`UNIONPAY_${err.resp}`, `云闪付开放平台返回 ${err.resp}：${err.meaning}`, { api: err.api, resp: err.resp }))
    }
    const fe = err as FastifyError
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(body('BODY_TOO_LARGE', '请求体过大'))
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.status(415).send(body('UNSUPPORTED_MEDIA_TYPE', '不支持的 Content-Type'))
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.status(400).send(body('BAD_JSON', '请求体为空'))
    if (fe.statusCode === 429) return reply.status(429).send(body('RATE_LIMITED', '请求过于频繁，请稍后再试'))
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe instanceof SyntaxError ? 'BAD_JSON' : 'BAD_REQUEST'
      return reply.status(fe.statusCode).send(body(code, code === 'BAD_JSON' ? '请求体不是合法的 JSON' : fe.message))
    }
    req.log.error({ err }, 'unhandled error')
    return reply.status(500).send(body('INTERNAL', '服务器内部错误'))
  })
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(body('NOT_FOUND', `没有这个接口：${req.method} ${req.url.split('?')[0]}`)),
  )
}
