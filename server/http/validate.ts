import type { z } from 'zod'
import { badRequest } from './errors.ts'

/** Parses untrusted input with a zod schema; a failure is a 400 naming each bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what = '请求参数'): z.output<T> {
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
  throw badRequest('INVALID_INPUT', `${what}不合法：${problems.join('；')}`, { problems })
}
