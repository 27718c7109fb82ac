import { sandboxDecrypt } from '../crypto.ts'
import type { EncryptKey } from '../state.ts'

/** `{a=1&b=2}` → fields (the sandbox's own reading; values here never hold `&`, `{` or `}`). */
export function braceFields(value: string | undefined): Record<string, string> | null {
  if (!value || !value.startsWith('{') || !value.endsWith('}')) return null
  const out: Record<string, string> = {}
  for (const part of value.slice(1, -1).split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    if (eq <= 0) return null
    out[part.slice(0, eq)] = part.slice(eq + 1)
  }
  return out
}

/**
 * Reads `customerInfo`: base64 of `{smsCode=…&encryptedInfo=…}` where `encryptedInfo` is the
 * encryption certificate's PKCS#1 v1.5 ciphertext (base64) of `phoneNo=…&cvn2=…&expired=…`.
 * Throws a short reason when it cannot be read.
 */
export function readCustomerInfo(value: string, key: EncryptKey | undefined): Record<string, string> {
  let outer: Record<string, string> | null
  try {
    outer = braceFields(Buffer.from(value, 'base64').toString('utf8'))
  } catch {
    outer = null
  }
  if (!outer) throw new Error('customerInfo格式错误：须为base64的{子域=值&…}')
  const { encryptedInfo, ...plain } = outer
  if (encryptedInfo === undefined) return plain
  if (!key) throw new Error('encryptCertId不是当前或并行期内的加密证书')
  let inner: string
  try {
    inner = sandboxDecrypt(encryptedInfo, key.keyPem)
  } catch {
    throw new Error('customerInfo的encryptedInfo解密失败')
  }
  const sensitive = braceFields(`{${inner}}`)
  if (!sensitive) throw new Error('customerInfo的encryptedInfo格式错误')
  return { ...plain, ...sensitive }
}

/** Decrypts `accNo` with the key named by `encryptCertId`. */
export function readAccNo(value: string, key: EncryptKey | undefined): string {
  if (!key) throw new Error('encryptCertId不是当前或并行期内的加密证书')
  let pan: string
  try {
    pan = sandboxDecrypt(value, key.keyPem)
  } catch {
    throw new Error('accNo解密失败')
  }
  if (!/^\d{12,19}$/.test(pan)) throw new Error('accNo解密后不是卡号')
  return pan
}
