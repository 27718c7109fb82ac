import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import forge from 'node-forge'

/**
 * The sandbox gateway's OWN message crypto (it never imports server/acp): the 5.1.0 signature
 * is SHA256withRSA over the lower-case sha256 hex of the key-sorted `k=v&...` string (all
 * fields but `signature`).
 */
export function sandboxDigestHex(fields: Record<string, string>): string {
  const keys = Object.keys(fields).filter((k) => k !== 'signature')
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const text = keys.map((k) => k + '=' + fields[k]).join('&')
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex')
}

export function sandboxSign(fields: Record<string, string>, keyPem: string): string {
  return sign('sha256', Buffer.from(sandboxDigestHex(fields), 'utf8'), createPrivateKey(keyPem)).toString('base64')
}

export function sandboxVerify(fields: Record<string, string>, publicKey: KeyObject): boolean {
  const sig = fields.signature
  if (!sig || !/^[A-Za-z0-9+/]+={0,2}$/.test(sig)) return false
  try {
    return verify('sha256', Buffer.from(sandboxDigestHex(fields), 'utf8'), publicKey, Buffer.from(sig, 'base64'))
  } catch {
    return false
  }
}

export function publicKeyOf(certPem: string): KeyObject {
  return createPublicKey(certPem)
}

/** RSAES-PKCS1-v1_5 decryption with node-forge (Node 20 refuses PKCS#1 v1.5 in privateDecrypt). */
export function sandboxDecrypt(base64: string, keyPem: string): string {
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey
  return forge.util.decodeUtf8(key.decrypt(forge.util.decode64(base64), 'RSAES-PKCS1-V1_5'))
}

/** A direct answer: raw `k=v&...`, not url-encoded, as the real gateway writes it. */
export function rawAnswer(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}
