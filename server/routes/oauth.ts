import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { verifyNotification } from '../crypto/rsa.ts'
import { sha256Hex } from '../crypto/signing.ts'
import { BoundStateStore, ensureBindingCookie, hashBinding } from '../http/bound-state.ts'
import { AppError } from '../http/errors.ts'
import { parseInput } from '../http/validate.ts'
import { clearSessionCookie, requireSession, setSessionCookie } from '../session/plugin.ts'
import type { Session } from '../session/store.ts'
import { UserStore } from '../session/users.ts'
import { atomically } from '../store/kysely-db.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import { notificationParams } from '../unionpay/notification.ts'
import {
  STATE_PATTERN,
  buildAuthorizeUrl,
  decodeCode,
  authorizeErrorCode,
  exchangeCode,
  isCloudpayUserAgent,
  rawQueryParam,
  resolveScope,
  safeRedirectPath,
  type ExchangedToken,
} from '../unionpay/oauth.ts'
import { fetchIdentity, fetchMobile, MOBILE_SCOPES } from '../unionpay/user.ts'
import { oauthErrorPage } from './oauth-error-page.ts'

/** Binds an OAuth `state` to the browser that started the login (only its sha256 is stored). */
export const OAUTH_BINDING_COOKIE = 'upkit_oauth'
const STATE_TTL_MS = 10 * 60_000
const REVOKE_NONCE_TTL_MS = 24 * 3600_000

interface PendingLogin {
  binding: string
  redirect: string
  scope: string
  createdAt: number
}

function isPendingLogin(v: unknown): v is PendingLogin {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o.binding === 'string' && typeof o.redirect === 'string' && typeof o.scope === 'string'
}

function safeDecode(v: string | undefined): string {
  if (v === undefined) return ''
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '))
  } catch {
    return ''
  }
}

const authorizeQuery = z.object({
  scope: z.string().max(64).optional(),
  redirect: z.string().max(512).optional(),
})

/** OAuth2 联登, /api/me and the 用户授权解除通知 (issue 3). */
export async function registerOauthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { config } = ctx
  const users = new UserStore(ctx.db, ctx.clock)
  const states = new BoundStateStore<PendingLogin>(ctx.kv, 'oauth:state:', isPendingLogin, STATE_TTL_MS)
  const redirectUri = `${config.publicBaseUrl}/api/oauth/callback`
  const secure = config.secureCookies

  const { upPublicKey } = ctx
  if (!upPublicKey) ctx.log.warn('UNIONPAY_PUBLIC_KEY is not set: every 用户授权解除通知 will be answered {"resp":"01"}')


  const errorPage = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(oauthErrorPage(code, message))

  app.get('/api/oauth/authorize', async (req, reply) => {
    const q = parseInput(authorizeQuery, req.query, '登录参数')
    const inApp = isCloudpayUserAgent(req.headers['user-agent'])
    const scope = resolveScope(q.scope, inApp)
    const redirect = safeRedirectPath(q.redirect)

    const binding = ensureBindingCookie(req, reply, { name: OAUTH_BINDING_COOKIE, path: '/api/oauth', secure })
    const state = await states.create({ binding: hashBinding(binding), redirect, scope, createdAt: ctx.clock() })
    reply.header('cache-control', 'no-store')
    return reply.redirect(
      buildAuthorizeUrl({ baseUrl: config.unionpay.baseUrl, appId: config.unionpay.appId, redirectUri, scope, state, inApp }),
      302,
    )
  })

  app.get('/api/oauth/callback', async (req, reply) => {
    const state = safeDecode(rawQueryParam(req.url, 'state'))
    if (!state || !STATE_PATTERN.test(state)) {
      return errorPage(reply, 400, 'STATE_MISSING', '登录回调缺少有效的 state 参数，请重新登录。')
    }
    const spent = await states.spend(state, req.cookies[OAUTH_BINDING_COOKIE])
    if (!spent.ok && spent.reason === 'unknown') {
      return errorPage(reply, 400, 'STATE_UNKNOWN', '这个登录链接已经使用过或已过期（10 分钟内有效，只能使用一次），请重新登录。')
    }
    if (!spent.ok) {
      return errorPage(reply, 400, 'STATE_MISMATCH', '这个登录请求不是从当前浏览器发起的，为了您的账户安全已拒绝，请重新登录。')
    }
    const pending = spent.data

    const errorcode = safeDecode(rawQueryParam(req.url, 'errorcode'))
    const errmsg = safeDecode(rawQueryParam(req.url, 'errmsg'))
    if (errorcode || errmsg) {
      const error = authorizeErrorCode(errorcode)
      req.log.info({ errorcode: error }, 'oauth authorize not completed')
      const q = new URLSearchParams({ error, redirect: pending.redirect, scope: pending.scope })
      reply.header('cache-control', 'no-store')
      return reply.redirect(`/login?${q.toString()}`, 302)
    }

    const rawCode = rawQueryParam(req.url, 'code')
    if (!rawCode) return errorPage(reply, 400, 'CODE_MISSING', '登录回调缺少授权 code，请重新登录。')
    let code: string
    try {
      code = decodeCode(rawCode)
    } catch (err) {
      return errorPage(reply, 400, 'CODE_INVALID', err instanceof Error ? `${err.message}，请重新登录。` : '授权 code 不正确')
    }

    let token: ExchangedToken
    try {
      token = await exchangeCode(ctx.unionpay, ctx.tokens, config.unionpay.appId, code)
    } catch (err) {
      if (err instanceof UnionpayError && err.resp === 'a31') {
        return errorPage(reply, 400, 'CODE_EXPIRED', '授权 code 无效、已过期（5 分钟）或已被使用过（a31），请重新登录。')
      }
      if (err instanceof UnionpayError) {
        req.log.warn({ api: err.api, resp: err.resp, kind: err.kind }, 'oauth code exchange failed')
        return errorPage(reply, 502, `UNIONPAY_${err.resp}`, `云闪付开放平台暂时无法完成登录（${err.resp}：${err.meaning}），请稍后重试。`)
      }
      if (err instanceof AppError) return errorPage(reply, err.status, err.code, err.message)
      throw err
    }

    const scope = token.scope || pending.scope
    const now = ctx.clock()
    if (req.sessionId) await ctx.sessions.end(req.sessionId, 'relogin')
    const { id } = await atomically(ctx.db, async (trx) => {
      await users.in(trx).recordLogin(token.openId, scope)
      return ctx.sessions.in(trx).create({
        openId: token.openId,
        scope,
        accessToken: token.accessToken,
        accessExpiresAt: now + token.expiresIn * 1000,
      })
    })
    setSessionCookie(reply, id, secure, ctx.sessions.ttlMs)
    reply.header('cache-control', 'no-store')
    return reply.redirect(pending.redirect, 302)
  })

  app.post('/api/oauth/logout', async (req, reply) => {
    if (req.sessionId) await ctx.sessions.end(req.sessionId, 'logout')
    clearSessionCookie(reply, secure)
    return { ok: true }
  })

  const meBody = (s: Session) => ({
    openId: s.openId,
    scope: s.scope,
    accessExpiresAt: s.accessExpiresAt,
    accessTokenValid: !!s.accessToken && !!s.accessExpiresAt && s.accessExpiresAt > ctx.clock(),
    canReadMobile: (MOBILE_SCOPES as readonly string[]).includes(s.scope),
  })

  app.get('/api/me', async (req, reply) => {
    const s = requireSession(req)
    reply.header('cache-control', 'no-store')
    return meBody(s)
  })

  const userApiInput = (s: Session) => {
    if (!s.accessToken || !s.accessExpiresAt || s.accessExpiresAt <= ctx.clock()) {
      throw new AppError(401, 'ACCESS_TOKEN_EXPIRED', '云闪付授权已过期（有效期 1 小时），请重新登录后再查看', { scope: s.scope })
    }
    return {
      appId: config.unionpay.appId,
      symmetricKey: config.unionpay.symmetricKey,
      openId: s.openId,
      accessToken: s.accessToken,
    }
  }

  app.post('/api/me/mobile', async (req, reply) => {
    const s = requireSession(req)
    const mobile = await fetchMobile(ctx.unionpay, ctx.tokens, userApiInput(s))
    reply.header('cache-control', 'no-store')
    return { mobile }
  })

  app.post('/api/me/identity', async (req, reply) => {
    const s = requireSession(req)
    const identity = await fetchIdentity(ctx.unionpay, ctx.tokens, userApiInput(s))
    reply.header('cache-control', 'no-store')
    return identity
  })

  const revoke = async (req: FastifyRequest) => {
    const params = notificationParams(req.url, req.body)
    if (!params || !upPublicKey || !verifyNotification(params, upPublicKey)) {
      req.log.warn('用户授权解除通知: signature not verified')
      return { resp: '01' }
    }
    const openId = params.openId
    if (params.appId !== config.unionpay.appId || !openId) {
      req.log.warn('用户授权解除通知: signed, but for another appId or without openId')
      return { resp: '01' }
    }
    const nonceKey = `notify:auth-revoke:${sha256Hex(`${params.nonceStr ?? ''}|${params.timestamp ?? ''}|${openId}`)}`
    if (!(await ctx.kv.setIfAbsent(nonceKey, '1', REVOKE_NONCE_TTL_MS))) return { resp: '00' }
    const ended = await atomically(ctx.db, async (trx) => {
      await users.in(trx).revoke(openId)
      return ctx.sessions.in(trx).endAllFor(openId, 'auth-revoked')
    })
    req.log.info({ sessionsEnded: ended }, '用户授权解除通知 handled')
    return { resp: '00' }
  }
  app.post('/notify/unionpay/auth-revoke', revoke)
  app.get('/notify/unionpay/auth-revoke', revoke)
}
