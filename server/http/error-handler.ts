import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import type { ApiErrorBody, ApiErrorCode } from '../../common/api.ts'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { DomainError } from '../errors.ts'
import { toAppError as payError } from '../pay/http.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import { AppError } from './errors.ts'
import { apiErrorOf } from './validate.ts'
import { STATUS_OF_KIND } from './status-of-kind.ts'

/** Platform codes that mean the appId or the user's scope does not allow the API. */
const FORBIDDEN_CODES = new Set(['N62131', 'S52131'])

export { STATUS_OF_KIND }

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How the error message names this route's input (e.g. 登录参数). @default by part: 查询参数 / 请求体 / 路径参数 */
    inputName?: string
  }
}

const PART_NAMES: Readonly<Record<string, string>> = {
  querystring: '查询参数',
  body: '请求体',
  params: '路径参数',
  headers: '请求头',
}

function inputName(req: FastifyRequest, part: string | undefined): string {
  return req.routeOptions.config.inputName ?? PART_NAMES[part ?? ''] ?? '请求参数'
}

const body = (code: ApiErrorCode, message: string, details?: Record<string, unknown>): ApiErrorBody => ({
  error: details ? { code, message, details } : { code, message },
})

/** Maps every thrown error to `{"error":{"code","message"}}` with a fitting status. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      // route schemas (fastify-type-provider-zod): the same answer parseInput gives
      const own = apiErrorOf(err.validation)
      if (own) return reply.status(own.status).send(body(own.code, own.message))
      const problems = err.validation.map(
        (v) => `${v.instancePath.slice(1).replaceAll('/', '.') || '(root)'}: ${v.message}`,
      )
      const what = inputName(req, err.validationContext)
      return reply.status(400).send(body('INVALID_INPUT', `${what}不合法：${problems.join('；')}`, { problems }))
    }
    if (err instanceof DomainError) {
      const status = STATUS_OF_KIND[err.kind]
      if (status >= 500) req.log.warn({ code: err.code }, err.message)
      return reply.status(status).send(body(err.code, err.message, err.details))
    }
    const mapped = payError(err)
    if (mapped !== err) err = mapped as Error
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.warn({ code: err.code }, err.message)
      return reply.status(err.status).send(body(err.code, err.message, err.details))
    }
    if (err instanceof UnionpayError) {
      req.log.warn({ api: err.api, resp: err.resp, kind: err.kind }, 'unionpay call failed')
      // "no permission for this API" is the merchant's configuration, not a gateway failure
      const status = err.kind === 'timeout' ? 504 : FORBIDDEN_CODES.has(err.resp) ? 403 : 502
      return reply.status(status).send(
        body(`UNIONPAY_${err.resp}`, `云闪付开放平台返回 ${err.resp}：${err.meaning}`, {
          api: err.api,
          resp: err.resp,
        }),
      )
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
