/** The neutral request/response shapes the kit's core speaks; the express and fastify adapters translate. */

export interface KitRequest {
  method: string
  /** Path and query as received (`/api/oauth/callback?code=…`); never decoded by the adapter. */
  url: string
  headers: Record<string, string | string[] | undefined>
  /** The parsed body: a JSON value or the fields of a form; undefined when there is none. */
  body: unknown
}

export interface KitResponse {
  status: number
  headers: Record<string, string | string[]>
  body: string
}

export function header(req: KitRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/** The value of one cookie of the request, or undefined. */
export function readCookie(req: KitRequest, name: string): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export function json(status: number, value: unknown, headers: Record<string, string | string[]> = {}): KitResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(value),
  }
}

export function text(status: number, body: string, type = 'text/plain; charset=utf-8'): KitResponse {
  return { status, headers: { 'content-type': type, 'cache-control': 'no-store' }, body }
}

export function redirect(location: string, headers: Record<string, string | string[]> = {}): KitResponse {
  return { status: 302, headers: { location, 'cache-control': 'no-store', ...headers }, body: '' }
}

export function errorJson(status: number, code: string, message: string): KitResponse {
  return json(status, { error: { code, message } })
}

/** Reads a body of at most `limit` bytes from a Node request stream as JSON or form fields. */
export async function readBody(
  stream: AsyncIterable<Buffer | string>,
  contentType: string | undefined,
  limit: number,
): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    size += b.length
    if (size > limit) throw new BodyError(413, 'BODY_TOO_LARGE', `请求体超过 ${limit} 字节`)
    chunks.push(b)
  }
  const raw = Buffer.concat(chunks).toString('utf8')
  return parseBody(raw, contentType)
}

export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** JSON for `application/json`, fields for a form, undefined for an empty body. */
export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase()
  if (type === 'application/json') {
    try {
      return JSON.parse(raw) as unknown
    } catch {
      throw new BodyError(400, 'BODY_INVALID', '请求体不是有效的 JSON')
    }
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw))
  throw new BodyError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 或表单')
}
