import { z } from 'zod'
import type { ApiErrorCode } from '../../common/api.ts'
import { DomainError } from '../errors.ts'
import { AppError, badRequest } from './errors.ts'
import { STATUS_OF_KIND } from './status-of-kind.ts'

/** Parses untrusted input with a zod schema; a failure is a 400 naming each bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what = '请求参数'): z.output<T> {
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const own = apiErrorOf(r.error.issues)
  if (own) throw own
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
  throw badRequest('INVALID_INPUT', `${what}不合法：${problems.join('；')}`, { problems })
}

/** What a zod issue carries (in `params`) when its rule answers with an API error of its own. */
interface ApiErrorParams {
  apiError: { status: number; code: ApiErrorCode }
}

/** A custom zod issue that answers `status` `{"error":{code, message}}` instead of INVALID_INPUT. */
export function apiIssue(status: number, code: ApiErrorCode, message: string) {
  return { code: 'custom' as const, message, params: { apiError: { status, code } } satisfies ApiErrorParams }
}

function apiErrorParams(params: unknown): ApiErrorParams['apiError'] | undefined {
  const own = (params as Partial<ApiErrorParams> | undefined)?.apiError
  return own && typeof own.status === 'number' && typeof own.code === 'string' ? own : undefined
}

/**
 * The API error of the first issue that has one (see `apiIssue`), or undefined: then the issues
 * are a plain INVALID_INPUT. `issues`: zod's, or a route schema's validation entries, whose
 * `params.params` hold the zod issue's params (fastify-type-provider-zod).
 */
export function apiErrorOf(issues: readonly { message?: string; params?: unknown }[]): AppError | undefined {
  for (const issue of issues) {
    const own =
      apiErrorParams(issue.params) ?? apiErrorParams((issue.params as { params?: unknown } | undefined)?.params)
    if (own) return new AppError(own.status, own.code, issue.message ?? '')
  }
  return undefined
}

/** A JSON object body (not null, an array or a scalar): 415 otherwise, as a non-JSON body. */
export const jsonObject = z.custom<Record<string, unknown>>(
  (body) => typeof body === 'object' && body !== null && !Array.isArray(body),
  apiIssue(415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 对象（Content-Type: application/json）'),
)

/**
 * A field checked by a domain rule that throws `DomainError` (e.g. `normaliseSignedUrl`): its
 * code, message and status become the answer, as if the handler had called the rule.
 */
export function domainRule<O>(rule: (input: unknown) => O) {
  return z.unknown().transform((input, ctx): O => {
    try {
      return rule(input)
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      ctx.addIssue(apiIssue(STATUS_OF_KIND[err.kind], err.code, err.message))
      return z.NEVER
    }
  })
}

/** `schema`, answering any failure with one API error (`code`, `message`) instead of INVALID_INPUT. */
export function withApiError<T extends z.ZodType>(schema: T, code: ApiErrorCode, message: string, status = 400) {
  return z.unknown().transform((input, ctx): z.output<T> => {
    const r = schema.safeParse(input)
    if (r.success) return r.data
    ctx.addIssue(apiIssue(status, code, message))
    return z.NEVER
  })
}
