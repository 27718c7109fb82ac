import { braceValue, parseBraceValue } from '../message.ts'

/**
 * The 无跳转 (token) product's composite fields (docs/nojump.md §Fields): `tokenPayData`
 * `{trId=…&token=…&tokenType=01}` and `customerInfo` = base64 of `{smsCode=…&encryptedInfo=…}`
 * where `encryptedInfo` is the encryption certificate's ciphertext of `phoneNo=…&cvn2=…&expired=…`.
 */

/** The token product's bizType (every 无跳转 token transaction of the public demos). */
export const TOKEN_BIZ_TYPE = '000902'

export function tokenPayData(p: { trId: string; token?: string; tokenType?: '01' }): string {
  return braceValue({
    trId: p.trId,
    ...(p.token ? { token: p.token } : {}),
    ...(p.tokenType ? { tokenType: p.tokenType } : {}),
  })
}

export interface TokenInfo {
  token: string
  trId: string
  /** yyyyMMddHHmmss when the gateway says, else null. */
  tokenEnd: string | null
}

/** The token of an answer's or notification's `tokenPayData`; null when absent or malformed. */
export function readTokenPayData(value: string | undefined): TokenInfo | null {
  if (!value) return null
  try {
    const f = parseBraceValue(value)
    if (!f.token || !/^[0-9A-Za-z]{1,64}$/.test(f.token) || !f.trId) return null
    return { token: f.token, trId: f.trId, tokenEnd: f.tokenEnd && /^\d{14}$/.test(f.tokenEnd) ? f.tokenEnd : null }
  } catch {
    return null
  }
}

export interface Holder {
  phoneNo?: string
  cvn2?: string
  /** YYMM (year first, the card shows MM/YY). */
  expired?: string
  smsCode?: string
}

const SENSITIVE = ['phoneNo', 'cvn2', 'expired'] as const

/** customerInfo with the sensitive parts encrypted by `encrypt` (the encryption certificate). */
export function customerInfo(h: Holder, encrypt: (plain: string) => string): string {
  const parts: string[] = []
  if (h.smsCode) parts.push(`smsCode=${h.smsCode}`)
  const sensitive = SENSITIVE.filter((k) => h[k]).map((k) => `${k}=${h[k]}`)
  if (sensitive.length) parts.push(`encryptedInfo=${encrypt(sensitive.join('&'))}`)
  return Buffer.from(`{${parts.join('&')}}`, 'utf8').toString('base64')
}

/** 622638******0095: what we keep and show of a card number (first 6, last 4). */
export function maskPan(pan: string): string {
  return `${pan.slice(0, 6)}${'*'.repeat(Math.max(0, pan.length - 10))}${pan.slice(-4)}`
}

export const MASKED_PAN = /^\d{6}\*{2,9}\d{4}$/
