import { NOTIFICATION_ROUTE, refuseNotification } from '../http/rate-limit.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IdentityView, MobileView, SessionUserView } from '../../common/api.ts'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { STATUS_OF_KIND } from '../http/error-handler.ts'
import { BoundStateStore, ensureBindingCookie, hashBinding } from '../http/bound-state.ts'
import { readCallbackQuery } from '../http/raw-query.ts'
import { isCloudpayUserAgent } from '../http/user-agent.ts'
import { clearSessionCookie, requireSession, setSessionCookie } from '../session/plugin.ts'
import { DomainError } from '../errors.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import { notificationParams } from '../unionpay/notification.ts'
import { STATE_PATTERN, buildAuthorizeUrl, decodeCode, type ExchangedToken } from '../unionpay/oauth.ts'
import { oauthErrorPage } from './error-page.ts'
import { authorizeErrorCode, loginReturnPath, resolveScope } from './policy.ts'
import type { OauthService } from './service.ts'

/** Binds an OAuth `state` to the browser that started the login (only its sha256 is stored). */
export const OAUTH_BINDING_COOKIE = 'upkit_oauth'
const STATE_TTL_MS = 10 * 60_000

interface PendingLogin {
  binding: string
  redirect: string
  scope: string
  createdAt: number
  /** The Host the login started on: a callback on another host (localhost vs PUBLIC_BASE_URL) has no binding cookie. */
  host?: string
}

function isPendingLogin(v: unknown): v is PendingLogin {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return (
    typeof o.binding === 'string' &&
    typeof o.redirect === 'string' &&
    typeof o.scope === 'string' &&
    (o.host === undefined || typeof o.host === 'string')
  )
}

const authorizeQuery = z.object({
  scope: z.string().max(64).optional(),
  redirect: z.string().max(512).optional(),
})

/** OAuth2 联登, /api/me and the 用户授权解除通知 (issue 3): HTTP in, OauthService, HTTP out. */
export async function registerOauthRoutes(root: FastifyInstance, ctx: AppContext, oauth: OauthService): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const { config } = ctx
  const states = new BoundStateStore<PendingLogin>(ctx.kv, 'oauth:state:', isPendingLogin, STATE_TTL_MS)
  const redirectUri = `${config.publicBaseUrl}/api/oauth/callback`
  const secure = config.secureCookies

  const errorPage = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(oauthErrorPage(code, message))

  app.get(
    '/api/oauth/authorize',
    { schema: { querystring: authorizeQuery }, config: { inputName: '登录参数' } },
    async (req, reply) => {
      const inApp = isCloudpayUserAgent(req.headers['user-agent'])
      const scope = resolveScope(req.query.scope, inApp)
      const redirect = loginReturnPath(req.query.redirect)

      const binding = ensureBindingCookie(req, reply, { name: OAUTH_BINDING_COOKIE, path: '/api/oauth', secure })
      const state = await states.create({
        binding: hashBinding(binding),
        redirect,
        scope,
        createdAt: ctx.clock(),
        host: req.host.slice(0, 255),
      })
      return reply.redirect(
        buildAuthorizeUrl({
          baseUrl: config.unionpay.baseUrl,
          appId: config.unionpay.appId,
          redirectUri,
          scope,
          state,
          inApp,
        }),
        302,
      )
    },
  )

  app.get('/api/oauth/callback', async (req, reply) => {
    const q = readCallbackQuery(req.url)
    const state = q.get('state') ?? ''
    if (!state || !STATE_PATTERN.test(state)) {
      return errorPage(reply, 400, 'STATE_MISSING', '登录回调缺少有效的 state 参数，请重新登录。')
    }
    const spent = await states.spend(state, req.cookies[OAUTH_BINDING_COOKIE])
    if (!spent.ok && spent.reason === 'unknown') {
      return errorPage(
        reply,
        400,
        'STATE_UNKNOWN',
        '这个登录链接已经使用过或已过期（10 分钟内有效，只能使用一次），请重新登录。',
      )
    }
    if (!spent.ok && spent.data.host && spent.data.host !== req.host) {
      // opened on localhost (or a LAN address) while PUBLIC_BASE_URL names another host: the 云闪付
      // redirect comes back to PUBLIC_BASE_URL, where this browser's binding cookie does not exist
      const app = `${config.publicBaseUrl}/`
      return reply
        .status(400)
        .type('text/html; charset=utf-8')
        .send(
          oauthErrorPage(
            'HOST_MISMATCH',
            `登录是在 ${spent.data.host} 上发起的，但云闪付按 PUBLIC_BASE_URL 回到了 ${req.host}。两个主机名的 cookie 互不相通，` +
              `无法确认是同一个浏览器，所以没有登录。这是打开地址不一致，不是攻击：请用 ${app} 打开本应用后重新登录（或把 PUBLIC_BASE_URL 改成你使用的地址）。`,
            `${config.publicBaseUrl}/login?redirect=${encodeURIComponent(spent.data.redirect)}`,
            `用 ${app} 打开`,
          ),
        )
    }
    if (!spent.ok) {
      return errorPage(
        reply,
        400,
        'STATE_MISMATCH',
        '这个登录请求不是从当前浏览器发起的，为了您的账户安全已拒绝，请重新登录。',
      )
    }
    const pending = spent.data

    const errorcode = q.get('errorcode') ?? ''
    const errmsg = q.get('errmsg') ?? ''
    if (errorcode || errmsg) {
      const error = authorizeErrorCode(errorcode)
      req.log.info({ errorcode: error }, 'oauth authorize not completed')
      const back = new URLSearchParams({ error, redirect: pending.redirect, scope: pending.scope })
      return reply.redirect(`/login?${back.toString()}`, 302)
    }

    const rawCode = q.raw('code')
    if (!rawCode) return errorPage(reply, 400, 'CODE_MISSING', '登录回调缺少授权 code，请重新登录。')
    let token: ExchangedToken
    try {
      token = await oauth.exchange(decodeCode(rawCode))
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CODE_INVALID')
        return errorPage(reply, 400, err.code, `${err.message}，请重新登录。`)
      if (err instanceof UnionpayError && err.resp === 'a31') {
        return errorPage(
          reply,
          400,
          'CODE_EXPIRED',
          '授权 code 无效、已过期（5 分钟）或已被使用过（a31），请重新登录。',
        )
      }
      if (err instanceof UnionpayError) {
        req.log.warn({ api: err.api, resp: err.resp, kind: err.kind }, 'oauth code exchange failed')
        return errorPage(
          reply,
          502,
          `UNIONPAY_${err.resp}`,
          `云闪付开放平台暂时无法完成登录（${err.resp}：${err.meaning}），请稍后重试。`,
        )
      }
      if (err instanceof DomainError) return errorPage(reply, STATUS_OF_KIND[err.kind], err.code, err.message)
      throw err
    }

    const { id } = await oauth.startSession(token, token.scope || pending.scope, req.sessionId)
    setSessionCookie(reply, id, secure, ctx.sessions.ttlMs)
    return reply.redirect(pending.redirect, 302)
  })

  app.post('/api/oauth/logout', async (req, reply) => {
    await oauth.logout(req.sessionId)
    clearSessionCookie(reply, secure)
    return { ok: true }
  })

  app.get('/api/me', async (req): Promise<SessionUserView> => oauth.me(requireSession(req)))
  app.post('/api/me/mobile', async (req): Promise<MobileView> => ({ mobile: await oauth.mobile(requireSession(req)) }))
  app.post('/api/me/identity', async (req): Promise<IdentityView> => oauth.identity(requireSession(req)))

  const revoke = async (req: FastifyRequest) => {
    const { resp, verified } = await oauth.handleRevoke(notificationParams(req.url, req.body))
    if (!verified) refuseNotification(req)
    return { resp }
  }
  app.post('/notify/unionpay/auth-revoke', NOTIFICATION_ROUTE, revoke)
  app.get('/notify/unionpay/auth-revoke', NOTIFICATION_ROUTE, revoke)
}
