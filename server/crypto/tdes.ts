import { createCipheriv, createDecipheriv } from 'node:crypto'

/** 2.4.2: 3DES, DESede/ECB/PKCS5Padding, key given as hex (16 or 24 bytes), data base64. */
function algorithmFor(key: Buffer): string {
  if (key.length === 24) return 'des-ede3'
  if (key.length === 16) return 'des-ede'
  throw new Error(`3DES key must be 16 or 24 bytes, got ${key.length}`)
}

export function tdesEncrypt(plain: string, keyHex: string): string {
  const key = Buffer.from(keyHex, 'hex')
  const cipher = createCipheriv(algorithmFor(key), key, null)
  return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64')
}

/** Decrypts a base64 3DES value; an empty value decrypts to '' as in the seed's Java sample. */
export function tdesDecrypt(valueB64: string, keyHex: string): string {
  if (valueB64 === '') return ''
  const key = Buffer.from(keyHex, 'hex')
  const decipher = createDecipheriv(algorithmFor(key), key, null)
  return Buffer.concat([decipher.update(Buffer.from(valueB64, 'base64')), decipher.final()]).toString('utf8')
}
