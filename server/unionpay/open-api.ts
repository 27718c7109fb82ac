import type { KeyObject } from 'node:crypto'
import { z } from 'zod'
import { partnerSign } from '../crypto/rsa.ts'
import { createNonceStr, unixSeconds } from '../crypto/signing.ts'
import { tdesDecrypt, tdesEncrypt } from '../crypto/tdes.ts'
import { DomainError } from '../errors.ts'
import type { PlatformParams, UnionpayClient } from './client.ts'
import { compactTimestamp } from '../time.ts'
import { UnionpayError } from './errors.ts'
import type { TokenManager } from './tokens.ts'

/** What the section 5.3/5.5–5.8 client functions need (built once by the composition root). */
export interface OpenApiDeps {
  client: UnionpayClient
  tokens: TokenManager
  appId: string
  /** symmetricKey, hex (3DES). */
  symmetricKey: string
  /** The partner's key (UNIONPAY_PRIVATE_KEY) for the RSA-signed 5.8 APIs; null when not configured. */
  privateKey: KeyObject | null
  clock: () => number
}

/** Input refused before any call: a 400 naming the API and each bad field. */
export function checkInput<T extends z.ZodType>(api: string, schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
  throw new DomainError('invalid', 'INVALID_INPUT', `${api} 的参数不合法：${problems.join('；')}`, { api, problems })
}

/** An answer whose params do not have the documented shape: a protocol error, never a half-read result. */
export function checkAnswer<T extends z.ZodType>(api: string, schema: T, params: PlatformParams): z.output<T> {
  const r = schema.safeParse(params)
  if (r.success) return r.data
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')
  throw new UnionpayError(api, 'PROTOCOL', `unexpected answer: ${problems}`, 'protocol')
}

/** Calls an API that carries appId + backendToken, refreshing the token once on a10/BC2127/N62127. */
export function callWithBackendToken(
  deps: OpenApiDeps,
  api: string,
  body: Record<string, string>,
): Promise<PlatformParams> {
  return deps.tokens.withToken('backend', (backendToken) =>
    deps.client.call(api, { appId: deps.appId, backendToken, ...body }),
  )
}

export function encrypt(deps: OpenApiDeps, plain: string): string {
  return tdesEncrypt(plain, deps.symmetricKey)
}

/** Decrypts a 3DES answer field; '' stays ''; an undecryptable value is the platform's (or our key's) fault. */
export function decryptAnswer(deps: OpenApiDeps, api: string, field: string, value: string): string {
  if (value === '') return ''
  try {
    return tdesDecrypt(value, deps.symmetricKey)
  } catch {
    throw new DomainError(
      'upstream',
      'DECRYPT_FAILED',
      `无法解密云闪付 ${api} 返回的 ${field}：请检查 UNIONPAY_SYMMETRIC_KEY`,
      { api, field },
    )
  }
}

/**
 * The 5.8.1 rule for the RSA-signed APIs: add nonceStr and timestamp, sign the PLAIN values with
 * the partner key, then replace the fields in `encrypted` by their 3DES ciphertext. Absent
 * optional fields are left out entirely (never sent empty).
 */
export function signedBody(
  deps: OpenApiDeps,
  api: string,
  plain: Record<string, string | undefined>,
  encrypted: readonly string[],
): Record<string, string> {
  if (!deps.privateKey) {
    throw new DomainError(
      'unavailable',
      'PARTNER_KEY_MISSING',
      `${api} 需要接入方 RSA 私钥：请配置 UNIONPAY_PRIVATE_KEY`,
    )
  }
  const fields: Record<string, string> = { appId: deps.appId }
  for (const [k, v] of Object.entries(plain)) if (v !== undefined && v !== '') fields[k] = v
  fields.nonceStr = createNonceStr()
  fields.timestamp = String(unixSeconds(deps.clock()))
  const signature = partnerSign(fields, deps.privateKey)
  const body: Record<string, string> = { ...fields, signature }
  for (const k of encrypted) {
    const v = body[k]
    if (v !== undefined) body[k] = encrypt(deps, v)
  }
  return body
}

/** Beijing wall-clock `yyyyMMdd` and `yyyyMMddHHmmss` of an epoch-ms instant (server/time.ts). */
export function beijingStamp(now: number): { date: string; time: string } {
  const time = compactTimestamp(now)
  return { date: time.slice(0, 8), time }
}

/** A partner-side 流水号: digits (Beijing time) + random, 32 characters at most. */
export function newTransNumber(now: number): string {
  return `${beijingStamp(now).time}${createNonceStr(12)}`
}

// ---- shared field rules ----
export const openIdSchema = z
  .string()
  .min(1, '不能为空')
  .max(128, '过长')
  .regex(/^[A-Za-z0-9+/=_-]+$/, '不是 openId 的字符')
export const serialSchema = z.string().regex(/^[0-9A-Za-z]{1,32}$/, '须为 1-32 位字母或数字')
export const yyyymmdd = z
  .string()
  .regex(/^\d{8}$/, '须为 yyyyMMdd')
  .refine((s) => {
    const d = new Date(Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8))))
    return d.toISOString().slice(0, 10).replace(/-/g, '') === s
  }, '不是有效日期')
export const mobileSchema = z.string().regex(/^1\d{10}$/, '须为 11 位手机号')
/** 18-digit 居民身份证号 with its check digit (GB 11643), or the old 15-digit form. */
export const certIdSchema = z.string().refine(isChineseId, '不是有效的身份证号')
export const panSchema = z.string().regex(/^\d{12,19}$/, '须为 12-19 位卡号')

export function isChineseId(s: string): boolean {
  if (/^\d{15}$/.test(s)) return true
  if (!/^\d{17}[\dX]$/.test(s)) return false
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * (w[i] ?? 0)
  return '10X98765432'[sum % 11] === s[17]
}
