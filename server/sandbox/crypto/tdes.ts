import { createCipheriv } from 'node:crypto'

/**
 * Seed 003 2.4.2: 3DES `DESede/ECB/PKCS5Padding`, key given as hex, base64 output — how the
 * platform encrypts the fields it returns (user.mobile, user.auth). A 16-byte key is K1K2K1.
 */
export function encryptForPartner(plain: string, keyHex: string): string {
  const raw = Buffer.from(keyHex, 'hex')
  const key = raw.length === 16 ? Buffer.concat([raw, raw.subarray(0, 8)]) : raw
  if (key.length !== 24) throw new Error('symmetricKey must be 16 or 24 bytes of hex')
  const cipher = createCipheriv('des-ede3', key, null)
  cipher.setAutoPadding(true)
  return Buffer.concat([cipher.update(Buffer.from(plain, 'utf8')), cipher.final()]).toString('base64')
}
