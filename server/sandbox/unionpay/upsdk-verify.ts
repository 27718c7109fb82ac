import type { FastifyInstance } from 'fastify'
import { sameString } from '../crypto/compare.ts'
import { platformSignature } from '../crypto/open-platform.ts'
import type { UnionpaySandboxState } from './state.ts'

export interface VerifyConfigResult {
  ok: boolean
  errcode?: string
  errmsg?: string
}

/**
 * What the 云闪付 app checks natively when a page calls `upsdk.config`: every field present,
 * the appId known, the timestamp fresh, and the signature equal to sha256 over the current
 * frontToken and the page URL (without `#...`).
 */
export function verifyUpsdkConfig(input: Record<string, unknown>, state: UnionpaySandboxState): VerifyConfigResult {
  for (const f of ['appId', 'timestamp', 'nonceStr', 'signature', 'url']) {
    if (typeof input[f] !== 'string' || input[f] === '')
      return { ok: false, errcode: 'c00', errmsg: `参数错误：缺少 ${f}` }
  }
  const [appId, timestamp, nonceStr, signature, url] = ['appId', 'timestamp', 'nonceStr', 'signature', 'url'].map((f) =>
    String(input[f]),
  ) as [string, string, string, string, string]
  if (appId !== state.app.appId) return { ok: false, errcode: 'c01', errmsg: 'appId 不合法' }
  if (!/^\d{10}$/.test(timestamp) || Math.abs(Number(timestamp) * 1000 - state.clock()) > 5 * 60_000) {
    return { ok: false, errcode: 'c01', errmsg: '请求非法：时间戳无效或已过期（有效期5分钟）' }
  }
  const front = state.frontToken
  if (!front || front.expiresAt <= state.clock())
    return { ok: false, errcode: 'a20', errmsg: '不合法的frontToken，或已过期' }
  const pageUrl = url.split('#')[0] ?? ''
  let host: string
  try {
    host = new URL(pageUrl).hostname
  } catch {
    return { ok: false, errcode: 'c01', errmsg: 'url 不合法' }
  }
  if (!state.app.oauthHosts.includes(host))
    return { ok: false, errcode: 'c01', errmsg: '请求非法：页面地址不在 UPSDK 安全域名内' }
  const expected = platformSignature({ appId, frontToken: front.token, nonceStr, timestamp, url: pageUrl })
  if (!sameString(expected, signature)) {
    const signedWithOldToken = state.supersededFrontTokens.some((old) =>
      sameString(platformSignature({ appId, frontToken: old, nonceStr, timestamp, url: pageUrl }), signature),
    )
    if (signedWithOldToken)
      return { ok: false, errcode: 'a20', errmsg: '不合法的frontToken，或已过期（已被新的 frontToken 顶掉）' }
    return { ok: false, errcode: 'c01', errmsg: 'upsdk.config 验签失败' }
  }
  return { ok: true }
}

export function registerUpsdkVerify(app: FastifyInstance, state: UnionpaySandboxState): void {
  app.post('/__upsdk/verify-config', async (req) => {
    const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {}
    return verifyUpsdkConfig(body, state)
  })
}
