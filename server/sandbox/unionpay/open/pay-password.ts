import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../../context.ts'
import { SANDBOX_UNIONPAY } from '../../credentials.ts'
import { sameString } from '../../crypto/compare.ts'
import { platformNonce, platformSignature, signAsPlatform } from '../../crypto/open-platform.ts'
import { partnerString, verifyPartner } from '../../crypto/partner.ts'
import { fail, ok, type ApiTable } from '../api.ts'
import { envelope, isReply, scripted } from './checks.ts'
import type { PayPwdOrder, SandboxOpenApis, SentPayPwdNotification } from './state.ts'

const FIELDS_1_TO_10 = [
  'appId',
  'openId',
  'clientIp',
  'bizOrderId',
  'bizType',
  'merchantId',
  'nonceStr',
  'notifyUrl',
  'timestamp',
  'accessToken',
] as const

/**
 * 5.3.1 verifyPwdSeqId as the sandbox judges it. It accepts both readings of the seed: the
 * table's 2.4.1 sha256 hex over fields 1–10, and an RSA signature (the example's look) made
 * with the partner key on file; `accessToken` may be the user's accessToken (the example) or
 * the current backendToken (the table's description).
 */
export const payPwdApis: ApiTable = {
  verifyPwdSeqId(body, { unionpay: state, open: o }) {
    const b = envelope(body, state, [
      ['openId', 'N62110', 'openId不能为空'],
      ['bizOrderId', 'N62122', 'bizOrderId不能为空'],
      ['bizType', 'N62123', 'bizType不能为空'],
      ['merchantId', 'N62124', 'merchantId不能为空'],
      ['notifyUrl', 'N62125', 'notifyUrl不能为空'],
      ['accessToken', 'N62109', 'accessToken不能为空'],
    ])
    if (isReply(b)) return b
    const signed: Record<string, string> = {}
    for (const k of FIELDS_1_TO_10) if (b[k] !== undefined && b[k] !== '') signed[k] = b[k]
    const sig = b.signature ?? ''
    const good =
      sameString(platformSignature(signed), sig.toLowerCase()) ||
      (o.partnerKey !== null && verifyPartner(partnerString(signed, false), sig, o.partnerKey))
    if (!good) return fail('N62104', '签名校验失败（签名因子：第1-10字段）')
    const openId = b.openId ?? ''
    const userToken = state.accessTokenFor(b.accessToken, openId)
    if (!userToken && !state.isValidToken('backend', b.accessToken)) return fail('a31', '不合法的accessToken，或已过期')
    if (!state.users.has(openId)) return fail('N62110', 'openId不存在')
    if (b.merchantId !== SANDBOX_UNIONPAY.payPwdMerchantId)
      return fail('N62133', '获取商户信息异常：merchantId 不是本接入方的商户号')
    if (!(SANDBOX_UNIONPAY.payPwdBizTypes as readonly string[]).includes(b.bizType ?? ''))
      return fail('N62138', `验证支付密码异常：未开通业务类型 ${b.bizType}`)
    if (!/^[0-9A-Za-z]{1,32}$/.test(b.bizOrderId ?? ''))
      return fail('N62138', '验证支付密码异常：bizOrderId 须为 1-32 位字母或数字')
    let notifyHost = ''
    try {
      const u = new URL(b.notifyUrl ?? '')
      if (u.protocol === 'http:' || u.protocol === 'https:') notifyHost = u.hostname
    } catch {
      // not a URL
    }
    if (!notifyHost || !state.app.oauthHosts.includes(notifyHost))
      return fail('N62132', '不支持此访问域名：notifyUrl 不在后台对接通知域名内')
    if (b.clientIp !== undefined && !/^[0-9a-fA-F:.]{2,45}$/.test(b.clientIp))
      return fail('N62138', '验证支付密码异常：clientIp 不是 IP 地址')
    const s = scripted(o, 'verifyPwdSeqId')
    if (s) return s
    // A bizOrderId identifies one verification: asked again (a retry), it gets the same transNo.
    for (const p of o.payPwd.values()) {
      if (p.bizOrderId === b.bizOrderId) {
        if (p.openId !== openId || p.bizType !== b.bizType)
          return fail('N62138', '验证支付密码异常：bizOrderId 已用于另一笔验证')
        return ok({ transNo: p.transNo })
      }
    }
    const order: PayPwdOrder = {
      transNo: o.newTransNo(),
      bizOrderId: b.bizOrderId ?? '',
      openId,
      bizType: b.bizType ?? '',
      merchantId: b.merchantId ?? '',
      notifyUrl: b.notifyUrl ?? '',
      status: 'issued',
      issuedAt: state.clock(),
    }
    o.payPwd.set(order.transNo, order)
    return ok({ transNo: order.transNo })
  },
}

/** The 5.3.2 notification for a verified order, signed with the platform key (appendix 5). */
export function payPwdNotificationBody(
  ctx: SandboxContext,
  o: SandboxOpenApis,
  p: PayPwdOrder,
): Record<string, string> {
  const fields: Record<string, string> = {
    appId: ctx.unionpay.app.appId,
    timestamp: String(Math.floor(ctx.clock() / 1000)),
    nonceStr: platformNonce(),
    openId: p.openId,
    bizOrderId: p.bizOrderId,
    merchantId: p.merchantId,
    bizType: p.bizType,
    [o.payPwdKeyStyle === 'spaced' ? ' transNo' : 'transNo']: p.transNo,
  }
  return { ...fields, signature: signAsPlatform(fields, ctx.rsaPrivateKeyPem) }
}

export async function postPayPwdNotification(
  ctx: SandboxContext,
  o: SandboxOpenApis,
  transNo: string,
  url: string,
  body: Record<string, string>,
): Promise<SentPayPwdNotification> {
  const sent: SentPayPwdNotification = { at: ctx.clock(), transNo, url, body, httpStatus: null, answer: '' }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    })
    sent.httpStatus = res.status
    sent.answer = (await res.text()).slice(0, 500)
  } catch (err) {
    sent.answer = `network error: ${(err as Error).message}`
  }
  o.payPwdNotifications.push(sent)
  if (o.payPwdNotifications.length > 500) o.payPwdNotifications.splice(0, o.payPwdNotifications.length - 500)
  return sent
}

/**
 * What the 云闪付 app does natively for `upsdk.verifyPayPwd` (the stub calls this): the user
 * types the password; on success the platform notifies the partner's notifyUrl.
 */
export function registerPayPwdDevice(app: FastifyInstance, ctx: SandboxContext, o: SandboxOpenApis): void {
  app.post<{ Body: { transNo?: unknown; bizType?: unknown; outcome?: unknown } }>(
    '/__upsdk/verify-pay-pwd',
    async (req, reply) => {
      const { transNo, bizType, outcome } = req.body ?? {}
      if (typeof transNo !== 'string' || typeof bizType !== 'string')
        return reply.status(400).send({ ok: false, msg: '参数错误' })
      const p = o.payPwd.get(transNo)
      if (!p) return reply.status(404).send({ ok: false, msg: '支付密码验证流水号不存在' })
      if (p.bizType !== bizType) return reply.status(400).send({ ok: false, msg: '业务类型与流水号不符' })
      if (p.status === 'verified') return reply.status(409).send({ ok: false, msg: '该流水号已验证' })
      if (outcome === 'cancel') return { ok: false, msg: '用户取消了支付密码验证' }
      if (outcome === 'wrong') return { ok: false, msg: '支付密码错误' }
      p.status = 'verified'
      const sent = await postPayPwdNotification(ctx, o, p.transNo, p.notifyUrl, payPwdNotificationBody(ctx, o, p))
      return { ok: true, notified: sent.httpStatus }
    },
  )
}
