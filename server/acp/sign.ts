import { createHash, createSign, createVerify, type KeyObject } from 'node:crypto'
import type { AcpFields } from './message.ts'

/**
 * 5.1.0 with signMethod=01: every field except `signature`, sorted by key (ASCII), joined as
 * `k=v&...` with raw values; its SHA-256 as lower-case hex; those hex characters signed with
 * SHA256withRSA; base64. Sources: docs/acp.md §Signing.
 */
export function signingString(fields: AcpFields): string {
  return Object.keys(fields)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${fields[k] ?? ''}`)
    .join('&')
}

export function signingDigestHex(fields: AcpFields): string {
  return createHash('sha256').update(signingString(fields), 'utf8').digest('hex')
}

export function signFields(fields: AcpFields, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(signingDigestHex(fields), 'utf8').sign(privateKey, 'base64')
}

/** Any malformed signature or key mismatch is simply "not verified". */
export function verifyFields(fields: AcpFields, publicKey: KeyObject): boolean {
  const signature = fields.signature
  if (!signature) return false
  try {
    return createVerify('RSA-SHA256')
      .update(signingDigestHex(fields), 'utf8')
      .verify(publicKey, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}
