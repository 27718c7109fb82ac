import { UpsdkError } from '../errors'

/** Bytes or a hex string ("0A1b", "0a 1b" and "0a:1b" are accepted). */
export type BytesLike = Uint8Array | string

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/

/** Normalises a hex string or bytes to upper-case hex without separators; throws `UpsdkError` on bad input. */
export function toHex(value: BytesLike, what = 'value', method?: string): string {
  if (value instanceof Uint8Array) {
    let out = ''
    for (const b of value) out += b.toString(16).padStart(2, '0')
    return out.toUpperCase()
  }
  if (typeof value !== 'string') {
    throw new UpsdkError('invalid_params', `${what}必须是十六进制字符串或字节数组`, 'validation', value, method)
  }
  const compact = value.replace(/[\s:-]/g, '')
  if (!HEX_RE.test(compact)) {
    throw new UpsdkError(
      'invalid_params',
      `${what}不是合法的十六进制数据（需偶数个 0-9A-F 字符）：${value}`,
      'validation',
      value,
      method,
    )
  }
  return compact.toUpperCase()
}

export function hexToBytes(hex: string): Uint8Array {
  const h = toHex(hex)
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** "0A1B2C" → "0A 1B 2C", for display. */
export function spacedHex(hex: string): string {
  return hex.replace(/(..)(?=.)/g, '$1 ')
}
