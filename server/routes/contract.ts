import type { KeyObject } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { collectParams, jsonPairs, notificationRecord, verifiedParams } from '../contract/notify.ts'
import { ContractRepo, type ContractRecord } from '../contract/repo.ts'
import { ContractService } from '../contract/service.ts'
import {
  ContractStateStore,
  hashBinding,
  parseRawPairs,
  rawQuery,
  safeRedirectPath,
  withQuery,
} from '../contract/state.ts'
import { ensureBindingCookie } from '../http/bound-state.ts'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import { parseInput } from '../http/validate.ts'
import { requireSession, setSessionCookie } from '../session/plugin.ts'
import { UserStore } from '../session/users.ts'
import { atomically } from '../store/kysely-db.ts'
import { decodeCode, exchangeCode, rawQueryParam } from '../unionpay/oauth.ts'
import { ContractApi, type InfoResult } from '../unionpay/contract.ts'
import { UnionpayError } from '../unionpay/errors.ts'

export const CONTRACT_SCOPE = 'upapi_contract'
/** Binds a contract `state` to the browser that started the sign flow. */
export const CONTRACT_BIND_COOKIE = 'upkit_cbind'
const DEFAULT_RETURN = '/contract'

/** The JSON shape of one contract as the H5 sees it (no openId, no tokens). */
export interface ContractView {
  planId: string
  status: 'none' | ContractRecord['status']
  contractId: string | null
  contractCode: string | null
  operateTime: string | null
  signedAt: number | null
  relievedAt: number | null
  relievedBy: ContractRecord['relievedBy']
  failure: string | null
  platform?: { contractStatus: InfoResult['status']; contractId: string | null }
}

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

const errorCode = (err: unknown): string => {
  const code = err instanceof AppError ? err.code : err instanceof UnionpayError ? `UNIONPAY_${err.resp}` : 'INTERNAL'
  return /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : 'INTERNAL'
}

/** 无感支付 contract routes and the 解约结果通知 (issue 4). */
export async function registerContractRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { config } = ctx
  const appId = config.unionpay.appId
  const plans = config.unionpay.contractPlans
  const repo = new ContractRepo(ctx.db, ctx.clock)
  const api = new ContractApi({ client: ctx.unionpay, tokens: ctx.tokens, appId })
  const service = new ContractService({ repo, api, appId, clock: ctx.clock })
  const users = new UserStore(ctx.db, ctx.clock)

  // Attempts left `applying` by a crash are settled through contract.info in the background:
  // first shortly after start (the platform may be this very process in sandbox mode), then every 5 min.
  let sweepTimer: NodeJS.Timeout | undefined
  let closed = false
  const sweep = (delayMs: number) => {
    if (closed) return
    sweepTimer = setTimeout(() => {
      service
        .sweepStale()
        .then((n) => n && ctx.log.info({ settled: n }, 'settled contract attempts left by a crash'))
        .catch((err: unknown) => ctx.log.warn({ err: String(err) }, 'contract sweep failed'))
        .finally(() => sweep(5 * 60_000))
    }, delayMs)
    sweepTimer.unref()
  }
  sweep(10_000)
  app.addHook('onClose', async () => {
    closed = true
    clearTimeout(sweepTimer)
  })
  const states = new ContractStateStore(ctx.kv)
  const redirectUri = `${config.publicBaseUrl}/api/contract/callback`

  const planSchema = z.string().refine((p) => plans.includes(p), { message: '不是已配置的签约模板 (planId)' })

  app.get('/api/contract/plans', async () => ({ plans: plans.map((planId) => ({ planId })) }))

  app.get('/api/contract/authorize', async (req, reply) => {
    const q = parseInput(z.object({ planId: planSchema, redirect: z.string().optional() }), req.query, '查询参数')
    let redirect = DEFAULT_RETURN
    if (q.redirect !== undefined) {
      const safe = safeRedirectPath(q.redirect)
      if (!safe) throw badRequest('INVALID_REDIRECT', 'redirect 必须是本站路径（以 / 开头，不能指向其他网站）')
      redirect = safe
    }
    const binding = ensureBindingCookie(req, reply, { name: CONTRACT_BIND_COOKIE, path: '/api/contract', secure: config.secureCookies })
    const state = await states.create({ planId: q.planId, redirect, binding: hashBinding(binding) })
    const target = new URL(`${config.unionpay.baseUrl}/s/open/noPwd/html/open.html`)
    target.search = new URLSearchParams({
      appId,
      redirectUri,
      responseType: 'code',
      scope: CONTRACT_SCOPE,
      planId: q.planId,
      state,
    }).toString()
    reply.header('cache-control', 'no-store')
    return reply.redirect(target.toString(), 302)
  })

  app.get('/api/contract/callback', async (req, reply) => {
    reply.header('cache-control', 'no-store')
    // Read the raw query: `code` may carry a literal `+` that a form decoder would turn into a space.
    const q = new Map<string, string>()
    for (const [k, v] of parseRawPairs(rawQuery(req.url))) if (!q.has(k)) q.set(k, v)
    const st = await states.take(q.get('state'), req.cookies[CONTRACT_BIND_COOKIE])
    if (!st) return reply.redirect(withQuery(DEFAULT_RETURN, { contract: 'error', code: 'STATE_INVALID' }), 302)
    const back = (params: Record<string, string>) => reply.redirect(withQuery(st.redirect, { ...params, planId: st.planId }), 302)

    if (!q.get('code')) {
      const errorcode = q.get('errorcode') ?? ''
      if (errorcode === 'user0001') return back({ contract: 'cancelled' })
      const safe = errorcode.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)
      return back({ contract: 'error', code: safe ? `PLATFORM_${safe}` : 'NO_CODE' })
    }
    try {
      // the same decoding as the OAuth callback: once or twice URL-encoded, `+` read as a space repaired
      const code = decodeCode(rawQueryParam(req.url, 'code') ?? '')
      const exchanged = await exchangeCode(ctx.unionpay, ctx.tokens, appId, code)
      const { accessToken, openId, expiresIn } = exchanged
      if ((exchanged.scope || CONTRACT_SCOPE) !== CONTRACT_SCOPE) return back({ contract: 'error', code: 'WRONG_SCOPE' })

      if (req.session?.openId !== openId) {
        if (req.sessionId) await ctx.sessions.end(req.sessionId, 'relogin')
        const s = await atomically(ctx.db, async (trx) => {
          await users.in(trx).recordLogin(openId, CONTRACT_SCOPE)
          return ctx.sessions.in(trx).create({ openId, scope: CONTRACT_SCOPE, accessToken, accessExpiresAt: ctx.clock() + expiresIn * 1000 })
        })
        setSessionCookie(reply, s.id, config.secureCookies, ctx.sessions.ttlMs)
      }
      const outcome = await service.sign({ openId, accessToken, planId: st.planId })
      req.log.info({ planId: st.planId, outcome: outcome.kind }, 'contract signed')
      return back({ contract: 'signed' })
    } catch (err) {
      req.log.warn({ planId: st.planId, code: errorCode(err) }, 'contract sign failed')
      return back({ contract: 'error', code: errorCode(err) })
    }
  })

  app.get('/api/contract', async (req, reply) => {
    const session = requireSession(req)
    const q = parseInput(
      z.object({ planId: planSchema.optional(), info: z.enum(['0', '1', 'true', 'false']).optional() }),
      req.query,
      '查询参数',
    )
    const checkPlatform = q.info === '1' || q.info === 'true'
    const contracts: ContractView[] = []
    for (const planId of plans) {
      const check = checkPlatform && (q.planId === undefined || q.planId === planId)
      const { record, platform } = await service.view(session.openId, planId, check)
      contracts.push(view(planId, record, platform))
    }
    const primaryPlan = q.planId ?? contracts.find((c) => c.status === 'signed')?.planId ?? plans[0]
    const primary = contracts.find((c) => c.planId === primaryPlan)
    reply.header('cache-control', 'no-store')
    return { ...(primary ?? {}), contracts }
  })

  app.get('/api/contract/status', async (req, reply) => {
    const session = requireSession(req)
    const r = await api.status({ openId: session.openId })
    reply.header('cache-control', 'no-store')
    return r
  })

  app.post('/api/contract/relieve', async (req) => {
    const session = requireSession(req)
    const body = parseInput(z.object({ planId: planSchema.optional() }), req.body ?? {}, '请求体')
    let planId = body.planId
    if (!planId) {
      const live = await Promise.all(plans.map((p) => repo.active(appId, session.openId, p)))
      const signed = plans.filter((_p, i) => live[i]?.status === 'signed')
      if (signed.length === 0) throw notFound('NO_CONTRACT', '没有已开通的无感支付，无需关闭')
      if (signed.length > 1) throw badRequest('PLAN_REQUIRED', '开通了多个签约模板，请指定 planId')
      planId = signed[0] as string
    }
    const record = await service.relieve({ openId: session.openId, planId })
    return view(planId, record, null)
  })

  await app.register(async (scope) => registerNotify(scope, ctx, repo))
}

/** GET / POST /notify/unionpay/contract: the 解约结果通知 (5.4.3). */
async function registerNotify(app: FastifyInstance, ctx: AppContext, repo: ContractRepo): Promise<void> {
  // Read bodies raw: form bodies for the same `+` reason as the query, and JSON so that a
  // malformed body is answered `{"resp":"01"}` like any other unverifiable notification.
  const RAW_TYPES = ['application/x-www-form-urlencoded', 'application/json', 'text/plain']
  for (const type of RAW_TYPES) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type)
  }
  app.addContentTypeParser(RAW_TYPES, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) =>
    done(null, { rawForm: String(body) }),
  )
  if (!ctx.upPublicKey) ctx.log.warn('UNIONPAY_PUBLIC_KEY is not set: contract notifications cannot be verified')
  const key = (): KeyObject | null => ctx.upPublicKey

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store').type('application/json; charset=utf-8')
    const answer = (resp: '00' | '01') => reply.send(JSON.stringify({ resp }))
    const fromQuery = parseRawPairs(rawQuery(req.url))
    let fromBody: Array<[string, string]> = []
    const body = req.body as unknown
    if (body && typeof body === 'object' && 'rawForm' in body && typeof body.rawForm === 'string') {
      const text = body.rawForm.trim()
      if (text.startsWith('{')) {
        let pairs: Array<[string, string]> | null = null
        try {
          pairs = jsonPairs(JSON.parse(text))
        } catch {
          pairs = null
        }
        if (!pairs) {
          req.log.warn('contract notification: body is not a flat JSON object')
          return answer('01')
        }
        fromBody = pairs
      } else fromBody = parseRawPairs(text)
    }
    const params = collectParams(fromQuery, fromBody)
    const k = key()
    const verified = params && k ? verifiedParams(params, k) : null
    if (!verified) {
      req.log.warn('contract notification: signature did not verify')
      return answer('01')
    }
    const outcome = await repo.applyNotification(notificationRecord(verified), ctx.config.unionpay.appId)
    if (outcome === 'relieved') req.log.info('contract notification: contract relieved by the platform')
    else if (outcome !== 'duplicate' && outcome !== 'already') req.log.warn({ outcome }, 'contract notification kept for review')
    return answer('00')
  }
  app.get('/notify/unionpay/contract', handler)
  app.post('/notify/unionpay/contract', handler)
}
