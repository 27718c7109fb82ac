import { NOTIFICATION_ROUTE, refuseNotification } from '../http/rate-limit.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ContractListView, ContractPlansView, ContractView, UnfinishedOrdersView } from '../../common/api.ts'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { DomainError } from '../errors.ts'
import { ensureBindingCookie } from '../http/bound-state.ts'
import { AppError } from '../http/errors.ts'
import { useRawNotificationBodies, readNotificationPairs } from '../http/notification-body.ts'
import { readCallbackQuery } from '../http/raw-query.ts'
import { safeRedirectPath } from '../http/redirect.ts'
import { isCloudpayUserAgent } from '../http/user-agent.ts'
import type { OauthService } from '../oauth/service.ts'
import { requireSession, setSessionCookie } from '../session/plugin.ts'
import type { InfoResult } from '../unionpay/contract.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import { decodeCode } from '../unionpay/oauth.ts'
import { collectParams } from './notify.ts'
import type { ContractRecord } from './repo.ts'
import type { ContractService } from './service.ts'
import { ContractStateStore, hashBinding, withQuery } from './state.ts'

export const CONTRACT_SCOPE = 'upapi_contract'
/** Binds a contract `state` to the browser that started the sign flow. */
export const CONTRACT_BIND_COOKIE = 'upkit_cbind'
const DEFAULT_RETURN = '/contract'

/** What the contract routes use, built by the composition root. */
export interface ContractDeps {
  service: ContractService
  /** the code exchange and the session after it, shared with the OAuth login */
  oauth: OauthService
}

export type { ContractView }

function view(planId: string, r: ContractRecord | null, platform: InfoResult | null): ContractView {
  const v: ContractView = {
    planId,
    status: r?.status ?? 'none',
    contractId: r?.contractId ?? null,
    contractCode: r?.contractCode ?? null,
    operateTime: r?.operateTime ?? null,
    signedAt: r?.signedAt ?? null,
    relievedAt: r?.relievedAt ?? null,
    relievedBy: r?.relievedBy ?? null,
    failure: r?.status === 'failed' ? r.failure : null,
  }
  if (platform) v.platform = { contractStatus: platform.status, contractId: platform.contractId }
  return v
}

/** The code the callback hands back to the page in `?contract=error&code=`. */
const errorCode = (err: unknown): string => {
  const code =
    err instanceof DomainError || err instanceof AppError
      ? err.code
      : err instanceof UnionpayError
        ? `UNIONPAY_${err.resp}`
        : 'INTERNAL'
  return /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : 'INTERNAL'
}

/** 无感支付 contract routes and the 解约结果通知 (issue 4): HTTP in, ContractService, HTTP out. */
export async function registerContractRoutes(
  root: FastifyInstance,
  ctx: AppContext,
  deps: ContractDeps,
): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const { config } = ctx
  const { service, oauth } = deps
  const appId = config.unionpay.appId
  const plans = config.unionpay.contractPlans
  const states = new ContractStateStore(ctx.kv)
  const redirectUri = `${config.publicBaseUrl}/api/contract/callback`

  const planSchema = z.string().refine((p) => plans.includes(p), { message: '不是已配置的签约模板 (planId)' })

  app.get('/api/contract/plans', async (): Promise<ContractPlansView> => ({
    plans: plans.map((planId) => ({ planId })),
  }))

  app.get(
    '/api/contract/authorize',
    { schema: { querystring: z.object({ planId: planSchema, redirect: z.string().optional() }) } },
    async (req, reply) => {
      let redirect = DEFAULT_RETURN
      if (req.query.redirect !== undefined) {
        const safe = safeRedirectPath(req.query.redirect)
        if (!safe) throw new AppError(400, 'INVALID_REDIRECT', 'redirect 必须是本站路径（以 / 开头，不能指向其他网站）')
        redirect = safe
      }
      const { planId } = req.query
      // 无感支付 is signed inside the 云闪付 app only (seed 002): elsewhere, back to the page with the reason
      if (!isCloudpayUserAgent(req.headers['user-agent'])) {
        return reply.redirect(withQuery(redirect, { contract: 'error', code: 'NOT_IN_CLOUDPAY', planId }), 302)
      }
      const binding = ensureBindingCookie(req, reply, {
        name: CONTRACT_BIND_COOKIE,
        path: '/api/contract',
        secure: config.secureCookies,
      })
      const state = await states.create({ planId, redirect, binding: hashBinding(binding) })
      const target = new URL(`${config.unionpay.baseUrl}/s/open/noPwd/html/open.html`)
      const params = new URLSearchParams({
        appId,
        redirectUri,
        responseType: 'code',
        scope: CONTRACT_SCOPE,
        planId,
        state,
      })
      // sandbox mode only: the sandbox sign page preselects the logged-in user (docs/contract.md)
      if (config.sandbox && req.session) params.set('sandboxOpenId', req.session.openId)
      target.search = params.toString()
      return reply.redirect(target.toString(), 302)
    },
  )

  app.get('/api/contract/callback', async (req, reply) => {
    // Read the raw query: `code` may carry a literal `+` that a form decoder would turn into a space.
    const q = readCallbackQuery(req.url)
    const st = await states.take(q.get('state'), req.cookies[CONTRACT_BIND_COOKIE])
    if (!st) return reply.redirect(withQuery(DEFAULT_RETURN, { contract: 'error', code: 'STATE_INVALID' }), 302)
    const back = (params: Record<string, string>) =>
      reply.redirect(withQuery(st.redirect, { ...params, planId: st.planId }), 302)

    if (!q.get('code')) {
      const errorcode = q.get('errorcode') ?? ''
      if (errorcode === 'user0001') return back({ contract: 'cancelled' })
      const safe = errorcode.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)
      return back({ contract: 'error', code: safe ? `PLATFORM_${safe}` : 'NO_CODE' })
    }
    try {
      // the same decoding as the OAuth callback: once or twice URL-encoded, `+` read as a space repaired
      const token = await oauth.exchange(decodeCode(q.raw('code') ?? ''))
      if ((token.scope || CONTRACT_SCOPE) !== CONTRACT_SCOPE) return back({ contract: 'error', code: 'WRONG_SCOPE' })
      // a signed-in user signs for themselves only: another 云闪付 account's consent never switches the session
      if (req.session && req.session.openId !== token.openId) {
        req.log.warn({ planId: st.planId }, 'contract callback for another user than the session: refused')
        return back({ contract: 'error', code: 'USER_MISMATCH' })
      }
      if (!req.session) {
        const { id } = await oauth.startSession(token, CONTRACT_SCOPE, req.sessionId)
        setSessionCookie(reply, id, config.secureCookies, ctx.sessions.ttlMs)
      }
      const outcome = await service.sign({ openId: token.openId, accessToken: token.accessToken, planId: st.planId })
      req.log.info({ planId: st.planId, outcome: outcome.kind }, 'contract signed')
      return back({ contract: 'signed' })
    } catch (err) {
      req.log.warn({ planId: st.planId, code: errorCode(err) }, 'contract sign failed')
      return back({ contract: 'error', code: errorCode(err) })
    }
  })

  app.get(
    '/api/contract',
    {
      schema: {
        querystring: z.object({ planId: planSchema.optional(), info: z.enum(['0', '1', 'true', 'false']).optional() }),
      },
    },
    async (req): Promise<ContractListView> => {
      const session = requireSession(req)
      const q = req.query
      const checkPlatform = q.info === '1' || q.info === 'true'
      const contracts: ContractView[] = []
      for (const planId of plans) {
        const check = checkPlatform && (q.planId === undefined || q.planId === planId)
        const { record, platform } = await service.view(session.openId, planId, check)
        contracts.push(view(planId, record, platform))
      }
      const primaryPlan = q.planId ?? contracts.find((c) => c.status === 'signed')?.planId ?? plans[0]
      const primary = contracts.find((c) => c.planId === primaryPlan)
      return { ...(primary ?? {}), contracts }
    },
  )

  app.get('/api/contract/status', async (req): Promise<UnfinishedOrdersView> =>
    service.status(requireSession(req).openId),
  )

  app.post(
    '/api/contract/relieve',
    { schema: { body: z.object({ planId: planSchema.optional() }).nullish() } },
    async (req): Promise<ContractView> => {
      const session = requireSession(req)
      const planId = req.body?.planId ?? (await service.signedPlan(session.openId, plans))
      return view(planId, await service.relieve({ openId: session.openId, planId }), null)
    },
  )

  await app.register(async (scope) => registerNotify(scope, ctx, service))
}

/** GET / POST /notify/unionpay/contract: the 解约结果通知 (5.4.3). */
async function registerNotify(app: FastifyInstance, ctx: AppContext, service: ContractService): Promise<void> {
  // Read bodies raw: form bodies for the same `+` reason as the query, and JSON so that a
  // malformed body is answered `{"resp":"01"}` like any other unverifiable notification.
  useRawNotificationBodies(app)
  if (!ctx.upPublicKey) ctx.log.warn('UNIONPAY_PUBLIC_KEY is not set: contract notifications cannot be verified')

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.type('application/json; charset=utf-8')
    const answer = (resp: '00' | '01') => reply.send(JSON.stringify({ resp }))
    const pairs = readNotificationPairs(req)
    if (!pairs) {
      req.log.warn('contract notification: body is not a flat JSON object')
      refuseNotification(req)
      return answer('01')
    }
    const { answer: resp, outcome } = await service.handleNotification(collectParams(pairs.query, pairs.body))
    if (outcome === 'unverified') {
      refuseNotification(req)
      req.log.warn('contract notification: signature did not verify')
    } else if (outcome === 'relieved') req.log.info('contract notification: contract relieved by the platform')
    else if (outcome !== 'duplicate' && outcome !== 'already')
      req.log.warn({ outcome }, 'contract notification kept for review')
    return answer(resp)
  }
  app.get('/notify/unionpay/contract', NOTIFICATION_ROUTE, handler)
  app.post('/notify/unionpay/contract', NOTIFICATION_ROUTE, handler)
}
