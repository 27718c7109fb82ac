import { checkBackendToken, fail, missing, type ApiReply } from '../api.ts'
import type { UnionpaySandboxState } from '../state.ts'
import type { SandboxOpenApis } from './state.ts'

type Rules = ReadonlyArray<readonly [string, string, string]>

export const isReply = (x: unknown): x is ApiReply => typeof x === 'object' && x !== null && 'resp' in x

function allStrings(body: Record<string, unknown>): ApiReply | null {
  for (const [k, v] of Object.entries(body))
    if (typeof v !== 'string') return fail('N62104', `请求报文解析错误：${k} 须为字符串`)
  return null
}

/** One scripted failure per API, spent by the next call. */
export function scripted(o: SandboxOpenApis, api: string): ApiReply | null {
  const s = o.failNext.get(api)
  if (!s) return null
  o.failNext.delete(api)
  return fail(s.resp, s.msg)
}

/** Fields, appId/backendToken, then any scripted failure: the gate every backendToken API passes. */
export function gate(
  o: SandboxOpenApis,
  api: string,
  body: Record<string, unknown>,
  state: UnionpaySandboxState,
  rules: Rules,
): ApiReply | null {
  const m = missing(body, [
    ['appId', 'N62100', '商户appId不能为空'],
    ['backendToken', 'N62101', 'backendToken不能为空'],
    ...rules,
  ])
  return m ?? allStrings(body) ?? checkBackendToken(body, state) ?? scripted(o, api)
}

/**
 * The envelope of a self-signed request (5.3.1, 5.8.1/4/5): the fields present and all strings,
 * our appId, nonceStr, and a seconds timestamp within ±5 minutes.
 */
export function envelope(
  body: Record<string, unknown>,
  state: UnionpaySandboxState,
  rules: Rules,
): Record<string, string> | ApiReply {
  const m = missing(body, [
    ['appId', 'N62100', '商户appId不能为空'],
    ...rules,
    ['nonceStr', 'N62107', '随机字符串不能为空'],
    ['timestamp', 'N62108', '时间戳不能为空'],
    ['signature', 'N62104', '签名字段值不能为空'],
  ])
  const bad = m ?? allStrings(body)
  if (bad) return bad
  const b = body as Record<string, string>
  if (b.appId !== state.app.appId) return fail('N62126', '缓存中不包含此商户appId')
  if (!/^\d{10}$/.test(b.timestamp ?? '') || Math.abs(Number(b.timestamp) * 1000 - state.clock()) > 5 * 60_000) {
    return fail('N62108', '请求非法：时间戳无效（须为秒级时间戳，有效期5分钟）')
  }
  return b
}
