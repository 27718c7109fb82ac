import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseRawPairs, rawQuery } from './raw-query.ts'

const RAW_TYPES = ['application/x-www-form-urlencoded', 'application/json', 'text/plain']

/**
 * Platform notifications are read raw on their scope: form bodies keep a literal `+` (base64
 * openIds and signatures), and a malformed JSON body is answered like any unverifiable
 * notification instead of by fastify's 400.
 */
export function useRawNotificationBodies(scope: FastifyInstance, bodyLimit = 16 * 1024): void {
  for (const type of RAW_TYPES) if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type)
  scope.addContentTypeParser(RAW_TYPES, { parseAs: 'string', bodyLimit }, (_req, body, done) =>
    done(null, { rawForm: String(body) }),
  )
}

/** A JSON body's fields as strings; null when it is not a flat object of scalars. */
export function jsonPairs(body: unknown): Array<[string, string]> | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null
  const out: Array<[string, string]> = []
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (v === null || v === undefined) continue
    if (typeof v === 'string') out.push([k, v])
    else if (typeof v === 'number' || typeof v === 'boolean') out.push([k, String(v)])
    else return null
  }
  return out
}

/**
 * The notification's name/value pairs: the raw query first, then the body (a flat JSON object or
 * a form). null when the body is JSON but not a flat object of scalars.
 */
export function readNotificationPairs(
  req: FastifyRequest,
): { query: Array<[string, string]>; body: Array<[string, string]> } | null {
  const query = parseRawPairs(rawQuery(req.url))
  const raw = (req.body as { rawForm?: unknown } | undefined)?.rawForm
  if (typeof raw !== 'string' || raw.trim() === '') return { query, body: [] }
  const text = raw.trim()
  if (!text.startsWith('{')) return { query, body: parseRawPairs(text) }
  try {
    const body = jsonPairs(JSON.parse(text))
    return body ? { query, body } : null
  } catch {
    return null
  }
}
