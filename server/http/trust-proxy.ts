import { isIP } from 'node:net'

/** What Fastify's `trustProxy` takes: false (default), a hop count, or the addresses of trusted proxies. */
export type TrustProxy = false | number | string[]

/** The keywords proxy-addr (Fastify's resolver) understands besides addresses and CIDRs. */
const KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal'])

function isAddressOrCidr(entry: string): boolean {
  if (KEYWORDS.has(entry)) return true
  const [addr = '', bits, ...rest] = entry.split('/')
  const family = isIP(addr)
  if (!family || rest.length) return false
  if (bits === undefined) return true
  if (!/^\d{1,3}$/.test(bits)) return false
  return Number(bits) <= (family === 4 ? 32 : 128)
}

/**
 * TRUST_PROXY: unset / `0` / `false` → trust no proxy (X-Forwarded-For is ignored);
 * `1`..`10` → that many reverse-proxy hops in front of the server; otherwise a comma-separated
 * list of proxy addresses / CIDRs (or `loopback`, `linklocal`, `uniquelocal`).
 * Returns the parsed value, or a problem message.
 */
export function parseTrustProxy(raw: string | undefined): { value: TrustProxy } | { problem: string } {
  const s = (raw ?? '').trim()
  if (s === '' || s === '0' || s.toLowerCase() === 'false' || s.toLowerCase() === 'none') return { value: false }
  if (/^\d+$/.test(s)) {
    const n = Number(s)
    return n >= 1 && n <= 10 ? { value: n } : { problem: 'a hop count must be 1..10' }
  }
  const entries = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
  const bad = entries.filter((e) => !isAddressOrCidr(e))
  if (bad.length) return { problem: `not an IP address or CIDR: ${bad.join(', ')}` }
  return { value: entries }
}

/** Fastify's `trustProxy` option for a parsed TRUST_PROXY (a hop count trusts the n nearest hops). */
export function fastifyTrustProxy(value: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value
  return value
}
