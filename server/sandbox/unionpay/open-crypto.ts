import { createCipheriv, createDecipheriv, createHash, randomBytes, createPublicKey, createSign, createVerify, timingSafeEqual, type KeyObject } from 'node:crypto'

/**
 * The sandbox platform's own crypto for the 5.3/5.5–5.8 APIs, written apart from the server's
 * `server/crypto` so that a bug there cannot be mirrored here and go unnoticed.
 */

/** `k=v&…` over the keys in ASCII order; `skipEmpty` leaves out blank values (appendix 5). */
export function joinSorted(params: Record<string, string>, drop: readonly string[], skipEmpty: boolean): string {
  const keys = Object.keys(params).filter((k) => !drop.includes(k) && !(skipEmpty && (params[k] ?? '').trim() === ''))
  keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  return keys.map((k) => `${k}=${params[k] ?? ''}`).join('&')
}

export function sha256HexOf(s: string): string {
  return createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex')
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

function tdesKey(hex: string): { algo: string; key: Buffer } {
  const key = Buffer.from(hex, 'hex')
  // A 16-byte key is K1K2 with K3 = K1 (DESede's two-key form).
  return key.length === 16 ? { algo: 'des-ede3', key: Buffer.concat([key, key.subarray(0, 8)]) } : { algo: 'des-ede3', key }
}

export function tdesEncryptB64(plain: string, hexKey: string): string {
  const { algo, key } = tdesKey(hexKey)
  const c = createCipheriv(algo, key, null)
  return Buffer.concat([c.update(Buffer.from(plain, 'utf8')), c.final()]).toString('base64')
}

/** null when the value is not strict base64 of whole 3DES blocks or does not decrypt. */
export function tdesDecryptB64(value: string, hexKey: string): string | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value) || value === '') return null
  const bytes = Buffer.from(value, 'base64')
  if (bytes.length % 8 !== 0) return null
  try {
    const { algo, key } = tdesKey(hexKey)
    const d = createDecipheriv(algo, key, null)
    const out = Buffer.concat([d.update(bytes), d.final()])
    const text = out.toString('utf8')
    return Buffer.from(text, 'utf8').equals(out) ? text : null
  } catch {
    return null
  }
}

export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem)
}

export function rsaSha256Verify(data: string, signatureB64: string, key: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64)) return false
  try {
    return createVerify('sha256').update(Buffer.from(data, 'utf8')).verify(key, Buffer.from(signatureB64, 'base64'))
  } catch {
    return false
  }
}

export function rsaSha256Sign(data: string, privateKeyPem: string): string {
  return createSign('sha256').update(Buffer.from(data, 'utf8')).sign(privateKeyPem).toString('base64')
}

export function randomNonce(length = 16): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(randomBytes(length), (b) => abc[b % abc.length]).join('')
}
