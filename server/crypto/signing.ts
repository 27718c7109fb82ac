import { hash, randomFillSync, timingSafeEqual } from 'node:crypto'

export type SignParams = Record<string, string | number | undefined | null>

export interface SortedJoinOptions {
  /** Keys left out of the string (e.g. `signature`, `symmetricKey`). */
  exclude?: readonly string[]
  /** Leave out keys whose value is empty or only spaces (appendix 5, 银商 notify). */
  skipEmpty?: boolean
}

/** 2.4.1: keys in ASCII order, `k=v` joined by `&`, raw values (no URL escaping). */
export function sortedJoin(params: SignParams, options: SortedJoinOptions = {}): string {
  const { exclude, skipEmpty } = options
  // sort() without a comparator orders strings by UTF-16 code units: ASCII order for these keys
  const keys = Object.keys(params).sort()
  let out = ''
  for (const k of keys) {
    const v = params[k]
    if (v === undefined || v === null || exclude?.includes(k)) continue
    const value = String(v)
    if (skipEmpty && value.trim() === '') continue
    out += out === '' ? `${k}=${value}` : `&${k}=${value}`
  }
  return out
}

export function sha256Hex(data: string): string {
  // one-shot: a third of createHash().update().digest()'s time on the signing route's short strings
  return hash('sha256', data, 'hex')
}

/** The 云闪付开放平台 signature of 2.4.1 (sha256 hex of the sorted join). */
export function unionpaySignature(params: SignParams): string {
  return sha256Hex(sortedJoin(params))
}

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
/** 248 = 4 × 62: bytes below it map evenly onto the alphabet, the others are skipped. */
const NONCE_BYTE_LIMIT = 256 - (256 % NONCE_ALPHABET.length)
const noncePool = Buffer.alloc(1024)
let noncePos = noncePool.length

/** Appendix 3: 16 characters of [a-zA-Z0-9], uniform, from a CSPRNG (drawn a kilobyte at a time). */
export function createNonceStr(length = 16): string {
  let s = ''
  while (s.length < length) {
    if (noncePos >= noncePool.length) {
      randomFillSync(noncePool)
      noncePos = 0
    }
    const byte = noncePool[noncePos++] ?? 255
    if (byte < NONCE_BYTE_LIMIT) s += NONCE_ALPHABET[byte % NONCE_ALPHABET.length]
  }
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
