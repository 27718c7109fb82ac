/**
 * The 全渠道 (ACP 5.1.0) message format: requests are url-encoded forms; direct answers are
 * `k=v&k=v` text that is NOT url-encoded (base64 and PEM appear raw) and whose `{...}` values
 * may contain `&` and `=`. Sources: docs/acp.md §Message format.
 */

export type AcpFields = Record<string, string>

/**
 * Parses a direct answer: pairs split on `&` outside braces, each split on its first `=`;
 * nothing is url-decoded. A whole answer wrapped in `{}` is unwrapped first (as the official
 * SDKs do). Throws on a value whose braces never close or a key without `=`.
 */
export function parseAnswer(text: string): AcpFields {
  let s = text.trim()
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1)
  const out: AcpFields = {}
  let i = 0
  while (i < s.length) {
    const eq = s.indexOf('=', i)
    const amp = s.indexOf('&', i)
    if (eq < 0 || (amp >= 0 && amp < eq)) throw new Error(`malformed answer near offset ${i}: a field without "="`)
    const key = s.slice(i, eq)
    let j = eq + 1
    let depth = 0
    for (; j < s.length; j++) {
      const c = s[j]
      if (c === '{') depth++
      else if (c === '}') depth = Math.max(0, depth - 1)
      else if (c === '&' && depth === 0) break
    }
    if (depth > 0) throw new Error(`malformed answer: the value of "${key}" opens a brace that never closes`)
    if (key) out[key] = s.slice(eq + 1, j)
    i = j + 1
  }
  return out
}

/** The request body: every non-empty field, url-encoded (`+` in base64 becomes `%2B`). */
export function encodeForm(fields: AcpFields): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
}

/** Drops empty values: requests never carry them, so what is signed is what is sent. */
export function withoutEmpty(fields: AcpFields): AcpFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''))
}

/** `{k=v&k=v}` as used by `tokenPayData`, `customerInfo`-style composite fields. */
export function braceValue(entries: Record<string, string>): string {
  return `{${Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}}`
}

/** Reads a `{k=v&k=v}` composite value back (flat; no nesting needed for the fields we use). */
export function parseBraceValue(value: string): AcpFields {
  if (!value.startsWith('{') || !value.endsWith('}')) throw new Error('not a {k=v&...} value')
  return parseAnswer(value)
}

/** A `backUrl` notification's form fields (fastify's formbody); null when a key repeats or is not text. */
export function notificationFields(body: unknown): AcpFields | null {
  const fields: AcpFields = {}
  if (body && typeof body === 'object')
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (typeof v !== 'string') return null
      fields[k] = v
    }
  return fields
}
