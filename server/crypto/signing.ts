import { createHash, randomInt, timingSafeEqual } from 'node:crypto'

export type SignParams = Record<string, string | number | undefined | null>

export interface SortedJoinOptions {
  /** Keys left out of the string (e.g. `signature`, `symmetricKey`). */
  exclude?: readonly string[]
  /** Leave out keys whose value is empty or only spaces (appendix 5, 银商 notify). */
  skipEmpty?: boolean
}

/** 2.4.1: keys in ASCII order, `k=v` joined by `&`, raw values (no URL escaping). */
export function sortedJoin(params: SignParams, options: SortedJoinOptions = {}): string {
  const exclude = new Set(options.exclude ?? [])
  return Object.keys(params)
    .filter((k) => !exclude.has(k))
    .filter((k) => {
      const v = params[k]
      if (v === undefined || v === null) return false
      return !(options.skipEmpty && String(v).trim() === '')
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${String(params[k])}`)
    .join('&')
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex')
}

/** The 云闪付开放平台 signature of 2.4.1 (sha256 hex of the sorted join). */
export function unionpaySignature(params: SignParams): string {
  return sha256Hex(sortedJoin(params))
}

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Appendix 3: 16 characters of [a-zA-Z0-9], here from a CSPRNG. */
export function createNonceStr(length = 16): string {
  let s = ''
  for (let i = 0; i < length; i++) s += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)]
  return s
}

/** Seconds since the epoch (the platform's "Beijing time" timestamps are the same epoch). */
export function unixSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000)
}

/** Constant-time comparison of two strings (case-sensitive); unequal lengths are simply unequal. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8')
  const bb = Buffer.from(b, 'utf8')
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab)
    return false
  }
  return timingSafeEqual(ab, bb)
}
