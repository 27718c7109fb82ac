import { rawQuery } from '../http/raw-query.ts'

/**
 * The params of a platform notification, from the query string and/or a JSON or form body (body
 * wins). Returns null when a value is not a string or number, or the query is badly encoded.
 *
 * Signatures and openIds are base64 and hold `+`: the query is decoded with decodeURIComponent
 * (no `+` → space), and a space in `signature` / `openId` — what a form decoder makes of a raw `+`
 * — is read back as `+`, since base64 never contains spaces.
 */
export function notificationParams(url: string, body: unknown): Record<string, string> | null {
  const out: Record<string, string> = {}
  for (const part of rawQuery(url).split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    try {
      const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq))
      if (k) out[k] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1))
    } catch {
      return null
    }
  }
  if (body !== undefined && body !== null && body !== '') {
    if (typeof body !== 'object' || Array.isArray(body)) return null
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (typeof v === 'number') out[k] = String(v)
      else if (typeof v === 'string') out[k] = v
      else return null
    }
  }
  for (const k of ['signature', 'openId']) {
    const v = out[k]
    if (v !== undefined) out[k] = v.replace(/ /g, '+')
  }
  return out
}
