/** Reading query strings and form bodies without the `+` → space rule (the platforms send base64 with `+`). */

/**
 * Parses a raw query string (or form body) without turning `+` into a space: the platform
 * sends `code`, `openId` and `signature` with literal `+` (the seed's own examples do), and
 * decodeURIComponent keeps those intact. Malformed escapes leave the value as sent.
 */
export function parseRawPairs(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const part of raw.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const k = eq < 0 ? part : part.slice(0, eq)
    const v = eq < 0 ? '' : part.slice(eq + 1)
    out.push([decode(k), decode(v)])
  }
  return out
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** The raw query string of a request URL (after `?`, before `#`). */
export function rawQuery(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return ''
  const rest = url.slice(q + 1)
  const h = rest.indexOf('#')
  return h < 0 ? rest : rest.slice(0, h)
}

/** The raw (still percent-encoded) value of one query parameter, so `+` is not read as a space. */
export function rawQueryParam(url: string, name: string): string | undefined {
  for (const part of rawQuery(url).split('&')) {
    const eq = part.indexOf('=')
    const key = eq < 0 ? part : part.slice(0, eq)
    if (key === name) return eq < 0 ? '' : part.slice(eq + 1)
  }
  return undefined
}

/** A platform callback's query, read once and one way for every redirect flow (OAuth, contract). */
export interface CallbackQuery {
  /** The first value of `name`, percent-decoded with `+` kept (see parseRawPairs). */
  get(name: string): string | undefined
  /** The first value of `name` still percent-encoded (for `code`, which decodeCode reads itself). */
  raw(name: string): string | undefined
}

export function readCallbackQuery(url: string): CallbackQuery {
  const decoded = new Map<string, string>()
  for (const [k, v] of parseRawPairs(rawQuery(url))) if (!decoded.has(k)) decoded.set(k, v)
  return { get: (name) => decoded.get(name), raw: (name) => rawQueryParam(url, name) }
}
