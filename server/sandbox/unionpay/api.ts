import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context.ts'
import { sameString } from '../crypto/compare.ts'
import { platformSignature } from '../crypto/open-platform.ts'
import type { UnionpaySandboxState } from './state.ts'

/** `wrapped`: answer as `{"result":{...}}`, the way seed 003 prints 5.5.1 and 5.6.1. */
export type ApiReply = { resp: string; msg?: string; params?: Record<string, unknown>; wrapped?: boolean }
/** One back-end API of `POST /open/access/1.0/<name>`: the JSON body in, the platform's reply out. */
export type ApiHandler = (body: Record<string, unknown>, ctx: SandboxContext) => ApiReply | Promise<ApiReply>
/** A feature's APIs by name (`backendToken`, `user.mobile`, `contract.apply`, ...). */
export type ApiTable = Readonly<Record<string, ApiHandler>>

export const ok = (params: Record<string, unknown>): ApiReply => ({ resp: '00', msg: '', params })
export const fail = (resp: string, msg: string): ApiReply => ({ resp, msg })

/** Returns the reply for the first missing field, in the order given: `[field, code, message]`. */
export function missing(
  body: Record<string, unknown>,
  rules: ReadonlyArray<readonly [string, string, string]>,
): ApiReply | null {
  for (const [field, code, msg] of rules) {
    const v = body[field]
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return fail(code, msg)
  }
  return null
}

/** Checks appId and backendToken the way every back-end API does. */
export function checkBackendToken(body: Record<string, unknown>, state: UnionpaySandboxState): ApiReply | null {
  const m = missing(body, [
    ['appId', 'N62100', '商户appId不能为空'],
    ['backendToken', 'N62101', 'backendToken不能为空'],
  ])
  if (m) return m
  if (body.appId !== state.app.appId) return fail('N62126', '缓存中不包含此商户appId')
  if (!state.isValidToken('backend', body.backendToken)) return fail('a10', '不合法的backend_token，或已过期')
  return null
}

/** Shared checks of backendToken / frontToken requests: fields, appId, ±5 min, signature with secret. */
function checkTokenRequest(body: Record<string, unknown>, state: UnionpaySandboxState): ApiReply | null {
  const m = missing(body, [
    ['appId', 'N62100', '商户appId不能为空'],
    ['nonceStr', 'N62107', '随机字符串不能为空'],
    ['timestamp', 'N62108', '时间戳不能为空'],
    ['signature', 'N62104', '签名字段值不能为空'],
  ])
  if (m) return m
  if (body.appId !== state.app.appId) return fail('N62126', '缓存中不包含此商户appId')
  const ts = String(body.timestamp)
  if (!/^\d{10}$/.test(ts) || Math.abs(Number(ts) * 1000 - state.clock()) > 5 * 60_000) {
    return fail('N62108', '请求非法：时间戳无效（须为秒级时间戳，有效期5分钟）')
  }
  const expected = platformSignature({
    appId: String(body.appId),
    secret: state.app.secret,
    nonceStr: String(body.nonceStr),
    timestamp: ts,
  })
  if (!sameString(expected, String(body.signature))) return fail('N62117', '不合法APPSECRET：签名校验失败')
  return null
}

/** 5.1: backendToken, frontToken and the OAuth code exchange. */
export const tokenApis: ApiTable = {
  backendToken(body, { unionpay: state }) {
    const bad = checkTokenRequest(body, state)
    if (bad) return bad
    const t = state.issueToken('backend')
    return ok({ backendToken: t.token, expiresIn: state.tokenLifetimeS })
  },
  frontToken(body, { unionpay: state }) {
    const bad = checkTokenRequest(body, state)
    if (bad) return bad
    const t = state.issueToken('front')
    return ok({ frontToken: t.token, expiresIn: state.tokenLifetimeS })
  },
  token(body, { unionpay: state }) {
    const m = missing(body, [
      ['appId', 'N62100', '商户appId不能为空'],
      ['backendToken', 'N62101', 'backendToken不能为空'],
      ['code', 'N62112', 'code不能为空'],
    ])
    if (m) return m
    if (body.grantType !== 'authorization_code') return fail('N62106', 'grantType应为固定值authorization_code')
    const bad = checkBackendToken(body, state)
    if (bad) return bad
    const code = state.useCode(String(body.code))
    if (!code) return fail('a31', '不合法的授权code，或已过期')
    const t = state.issueAccessToken(code)
    return ok({
      accessToken: t.accessToken,
      expiresIn: String(state.accessTokenLifetimeS),
      refreshToken: code.code.slice(0, 16),
      openId: t.openId,
      scope: t.scope,
    })
  },
}

/** Mounts `POST /open/access/1.0/:api` dispatching to the given handlers. */
export function registerApiDispatcher(app: FastifyInstance, ctx: SandboxContext, apis: ApiTable): void {
  const state = ctx.unionpay
  app.post<{ Params: { api: string } }>('/open/access/1.0/:api', async (req, reply) => {
    const api = req.params.api
    const handler = Object.hasOwn(apis, api) ? apis[api] : undefined
    if (!handler) {
      return reply
        .status(403)
        .type('text/plain')
        .send('The server has understood the request, but refused to implement it.')
    }
    if (!state.admitCall()) {
      return reply
        .status(403)
        .type('text/plain')
        .send('访问控制拒绝了你的请求（调用频率超过1000次/分钟，已封禁24小时）')
    }
    const body = req.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      state.log(api, {}, 'BAD_BODY')
      return { resp: 'N62116', msg: '请求报文解析错误：须为 JSON 对象' }
    }
    const result = await handler(body as Record<string, unknown>, ctx)
    state.log(api, body as Record<string, unknown>, result.resp)
    const answer = { resp: result.resp, msg: result.msg ?? '', params: result.params ?? {} }
    return result.wrapped ? { result: answer } : answer
  })
}
