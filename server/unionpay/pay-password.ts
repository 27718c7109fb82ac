import type { KeyObject } from 'node:crypto'
import { isIP } from 'node:net'
import { z } from 'zod'
import { verifyNotification } from '../crypto/rsa.ts'
import { createNonceStr, unionpaySignature, unixSeconds } from '../crypto/signing.ts'
import { DomainError } from '../errors.ts'
import { checkAnswer, checkInput, openIdSchema, serialSchema, type OpenApiDeps } from './open-api.ts'
import { UnionpayError } from './errors.ts'

const API = 'verifyPwdSeqId'

export interface PayPwdSeqInput {
  openId: string
  /** The user's OAuth accessToken (docs/open-apis.md: the field name and the example win over "backendToken"). */
  accessToken: string
  /** 业务操作流水号, unique per verification. */
  bizOrderId: string
  bizType: string
  merchantId: string
  notifyUrl: string
  clientIp?: string | undefined
}

const inputSchema = z.object({
  openId: openIdSchema,
  accessToken: z.string().min(1, '不能为空').max(512, '过长'),
  bizOrderId: serialSchema,
  bizType: z.string().regex(/^[0-9A-Za-z]{1,8}$/, '须为 1-8 位字母或数字（如 4a）'),
  merchantId: serialSchema,
  notifyUrl: z
    .string()
    .max(256, '过长')
    .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), '须为 http(s) 绝对地址'),
  clientIp: z
    .string()
    .refine((ip) => isIP(ip) !== 0, '不是 IP 地址')
    .optional(),
})

const answerSchema = z.object({ transNo: z.string().regex(/^[0-9A-Za-z]{1,64}$/, 'is not 1-64 letters or digits') })

/**
 * 5.3.1 verifyPwdSeqId: bizOrderId → transNo for `upsdk.verifyPayPwd`. Signed the 2.4.1 way
 * (sha256 hex of fields 1–10, the table's rule), with the user's accessToken; an expired
 * accessToken (a31) needs a new 联登, so it becomes a 401 the page can act on.
 */
export async function requestPayPwdSeqId(deps: OpenApiDeps, input: PayPwdSeqInput): Promise<{ transNo: string }> {
  const i = checkInput(API, inputSchema, input)
  const fields: Record<string, string> = {
    appId: deps.appId,
    openId: i.openId,
    bizOrderId: i.bizOrderId,
    bizType: i.bizType,
    merchantId: i.merchantId,
    nonceStr: createNonceStr(),
    notifyUrl: i.notifyUrl,
    timestamp: String(unixSeconds(deps.clock())),
    accessToken: i.accessToken,
  }
  if (i.clientIp) fields.clientIp = i.clientIp
  const body = { ...fields, signature: unionpaySignature(fields) }
  try {
    const params = await deps.client.call(API, body)
    return checkAnswer(API, answerSchema, params)
  } catch (err) {
    if (err instanceof UnionpayError && err.kind === 'platform' && (err.resp === 'a31' || err.resp === 'N62109')) {
      throw new DomainError('unauthenticated', 'ACCESS_TOKEN_EXPIRED', '云闪付授权已过期，请重新登录后再验证支付密码')
    }
    throw err
  }
}

/** The fields of a 5.3.2 notification the kit acts on. */
export interface PayPwdNotification {
  appId: string
  openId: string
  bizOrderId: string
  merchantId: string
  bizType: string
  transNo: string
  timestamp: string
}

export type PayPwdNotificationCheck =
  { ok: true; notification: PayPwdNotification } | { ok: false; reason: 'signature' | 'incomplete' }

/** Keys with surrounding spaces read as the trimmed key (5.3.2.3 prints `" transNo"`). */
function trimKeys(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params)) out[k.trim()] = v
  return out
}

/**
 * 5.3.2: verifies the RSA signature (upPublicKey, appendix 5) and reads the fields. The seed's
 * example carries the key `" transNo"`: a signature made over the keys as sent and one made over
 * trimmed keys are both accepted, and the value is read under the trimmed key.
 */
export function checkPayPwdNotification(
  params: Record<string, string>,
  upPublicKey: KeyObject,
): PayPwdNotificationCheck {
  const trimmed = trimKeys(params)
  if (!verifyNotification(params, upPublicKey) && !verifyNotification(trimmed, upPublicKey))
    return { ok: false, reason: 'signature' }
  const pick = (k: keyof PayPwdNotification) => (trimmed[k] ?? '').trim()
  const n: PayPwdNotification = {
    appId: pick('appId'),
    openId: pick('openId'),
    bizOrderId: pick('bizOrderId'),
    merchantId: pick('merchantId'),
    bizType: pick('bizType'),
    transNo: pick('transNo'),
    timestamp: pick('timestamp'),
  }
  if (!n.appId || !n.openId || !n.bizOrderId || !n.transNo) return { ok: false, reason: 'incomplete' }
  return { ok: true, notification: n }
}
