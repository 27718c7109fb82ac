import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'

/**
 * TOKEN_ENCRYPTION_KEY: 32 bytes as 64 hex characters or base64. Unset → the key is derived
 * (HKDF-SHA256) from `fallbackSecret` (UNIONPAY_SECRET), so tokens are never stored in clear.
 */
export function parseSealKey(raw: string | undefined, fallbackSecret: string): { key: Buffer } | { problem: string } {
  if (raw === undefined || raw.trim() === '') {
    return { key: Buffer.from(hkdfSync('sha256', fallbackSecret, 'upkit', 'access-token seal v1', 32)) }
  }
  const s = raw.trim()
  const key = /^[0-9a-fA-F]{64}$/.test(s)
    ? Buffer.from(s, 'hex')
    : /^[A-Za-z0-9+/]{43}=?$/.test(s)
      ? Buffer.from(s, 'base64')
      : null
  if (!key || key.length !== 32)
    return { problem: 'must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)' }
  return { key }
}

/** AES-256-GCM: `v1.<iv>.<ciphertext>.<tag>` (base64url parts). */
export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return [VERSION, iv, data, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.')
}

/** The plain text of a sealed value; null when it was sealed with another key or altered. */
export function unseal(key: Buffer, sealed: string): string | null {
  const [version, iv, data, tag, ...rest] = sealed.split('.')
  if (version !== VERSION || iv === undefined || data === undefined || tag === undefined || rest.length) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}
