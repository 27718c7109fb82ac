import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto'
import { sortedJoin, type SignParams } from './signing.ts'

/** upPublicKey: base64 X.509 SubjectPublicKeyInfo (DER) or PEM. */
export function parsePublicKey(key: string): KeyObject {
  const trimmed = key.trim()
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed)
  return createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' })
}

/** The partner's private key: PKCS#8 base64 DER or PEM. */
export function parsePrivateKey(key: string): KeyObject {
  const trimmed = key.trim()
  if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed)
  return createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' })
}

/** Appendix 5: the string that is signed — sorted, empty values and `symmetricKey` left out. */
export function notificationSignString(params: SignParams): string {
  return sortedJoin(params, { exclude: ['signature', 'symmetricKey'], skipEmpty: true })
}

export function rsaSign(data: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(data, 'utf8').sign(privateKey, 'base64')
}

/** SHA256withRSA verification; any malformed input is simply "not verified". */
export function rsaVerify(data: string, signatureB64: string, publicKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(data, 'utf8').verify(publicKey, Buffer.from(signatureB64, 'base64'))
  } catch {
    return false
  }
}

/** Verifies a platform notification (appendix 5) carrying its `signature` among the params. */
export function verifyNotification(params: Record<string, string>, publicKey: KeyObject): boolean {
  const signature = params.signature
  if (!signature) return false
  return rsaVerify(notificationSignString(params), signature, publicKey)
}

/** Signs params the way the platform does for notifications (used by the sandbox and tests). */
export function signNotification(params: Record<string, string>, privateKey: KeyObject): string {
  return rsaSign(notificationSignString(params), privateKey)
}

/**
 * 5.8.1 note 4: the partner signs every request field except `signature`, sorted, `k=v&...`, with
 * the PLAIN values of the fields it then sends 3DES-encrypted (note 3). The kit never sends an
 * empty field, so no empty-value rule is needed on this side.
 */
export function partnerSignString(plainParams: Record<string, string>): string {
  return sortedJoin(plainParams, { exclude: ['signature'] })
}

/** SHA256withRSA with the partner's private key (UNIONPAY_PRIVATE_KEY), base64. */
export function partnerSign(plainParams: Record<string, string>, privateKey: KeyObject): string {
  return rsaSign(partnerSignString(plainParams), privateKey)
}
