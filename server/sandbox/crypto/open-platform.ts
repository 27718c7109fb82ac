import { createHash, createSign, randomInt } from 'node:crypto'

/**
 * The 云闪付开放平台's own crypto, written from seed 003 for the sandbox (never production's):
 * 2.4.1 signing, appendix 3 nonceStr, appendix 5 notification signatures.
 */

type Fields = Readonly<Record<string, string>>

/** 2.4.1 string1: names in ASCII order (Java's String.compareTo), `name=value` joined by `&`, raw values. */
function string1(fields: Fields): string {
  const names = Object.keys(fields)
  names.sort((x, y) => (x === y ? 0 : x < y ? -1 : 1))
  const parts: string[] = []
  for (const name of names) parts.push(`${name}=${fields[name]}`)
  return parts.join('&')
}

/** 2.4.1 / appendix 2: lower-case hex SHA-256 of string1 over every field given. */
export function platformSignature(fields: Fields): string {
  return createHash('sha256').update(string1(fields), 'utf8').digest('hex')
}

/** Appendix 5 `sortMap`: skips `symmetricKey` and values that are empty after trim; `signature` is not signed. */
export function notificationString(fields: Fields): string {
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'signature' || name === 'symmetricKey' || value.trim() === '') continue
    kept[name] = value
  }
  return string1(kept)
}

/** SHA256withRSA over the appendix 5 string, base64, as the platform signs what it sends. */
export function signAsPlatform(fields: Fields, privateKeyPem: string): string {
  return createSign('SHA256').update(notificationString(fields), 'utf8').sign(privateKeyPem, 'base64')
}

const NONCE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Appendix 3: 16 characters of [a-zA-Z0-9]. */
export function platformNonce(): string {
  let s = ''
  while (s.length < 16) s += NONCE_CHARS.charAt(randomInt(NONCE_CHARS.length))
  return s
}
