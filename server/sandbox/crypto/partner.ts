import { createDecipheriv, createPublicKey, createVerify, type KeyObject } from 'node:crypto'

/**
 * What the platform needs to read partner-signed, partner-encrypted requests (seed 003 5.7, 5.8,
 * and 5.3.1 read as RSA): strict 3DES decryption and SHA256withRSA verification with the
 * partner's public key on file — the sandbox's own, never production's.
 */

/** `name=value&…` over the names in ASCII order, `signature` left out; `skipEmpty` drops blank values. */
export function partnerString(fields: Readonly<Record<string, string>>, skipEmpty: boolean): string {
  const names = Object.keys(fields).filter((k) => k !== 'signature' && !(skipEmpty && (fields[k] ?? '').trim() === ''))
  names.sort((x, y) => (x === y ? 0 : x < y ? -1 : 1))
  return names.map((k) => `${k}=${fields[k] ?? ''}`).join('&')
}

/** 2.4.2 in reverse: null when the value is not strict base64 of whole 3DES blocks or does not decrypt to UTF-8. */
export function decryptFromPartner(value: string, keyHex: string): string | null {
  if (value === '' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) return null
  const bytes = Buffer.from(value, 'base64')
  if (bytes.length % 8 !== 0) return null
  const raw = Buffer.from(keyHex, 'hex')
  const key = raw.length === 16 ? Buffer.concat([raw, raw.subarray(0, 8)]) : raw
  try {
    const d = createDecipheriv('des-ede3', key, null)
    const out = Buffer.concat([d.update(bytes), d.final()])
    const text = out.toString('utf8')
    return Buffer.from(text, 'utf8').equals(out) ? text : null
  } catch {
    return null
  }
}

export function partnerKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem)
}

/** SHA256withRSA, base64 signature; anything malformed is simply "not verified". */
export function verifyPartner(data: string, signatureB64: string, key: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64)) return false
  try {
    return createVerify('SHA256').update(data, 'utf8').verify(key, Buffer.from(signatureB64, 'base64'))
  } catch {
    return false
  }
}
