import { createHash, type KeyObject } from 'node:crypto'
import { loadCertificate, readSetting, type TrustAnchors } from '../../server/acp/certs.ts'
import { notificationFields } from '../../server/acp/message.ts'
import { AcpVerifier } from '../../server/acp/verify.ts'
import { verifyNotifySign } from '../../server/chinaums/sign.ts'
import { readNotifyFields, type NotifyFields } from '../../server/chinaums/notify-params.ts'
import { parsePublicKey, verifyNotification } from '../../server/crypto/rsa.ts'
import { DomainError } from '../../server/errors.ts'
import { STATUS_OF_KIND } from '../../server/http/status-of-kind.ts'
import { BoundStateStore, hashBinding, newBinding } from '../../server/http/bound-state.ts'
import { readCallbackQuery } from '../../server/http/raw-query.ts'
import { isCloudpayUserAgent } from '../../server/http/user-agent.ts'
import { oauthErrorPage } from '../../server/oauth/error-page.ts'
import { authorizeErrorCode, loginReturnPath, resolveScope } from '../../server/oauth/policy.ts'
import { MemoryKv } from '../../server/store/memory-kv.ts'
import type { KvStore } from '../../server/store/kv.ts'
import { CallBudget } from '../../server/unionpay/budget.ts'
import { UnionpayClient, type FetchLike } from '../../server/unionpay/client.ts'
import { UnionpayError } from '../../server/unionpay/errors.ts'
import {
  AUTH_REVOKE_FIELDS,
  CONTRACT_RELIEVE_FIELDS,
  missingFields,
  replayKey,
  staleness,
} from '../../server/unionpay/notify-guard.ts'
import { notificationParams } from '../../server/unionpay/notification.ts'
import { buildAuthorizeUrl, decodeCode, exchangeCode, STATE_PATTERN } from '../../server/unionpay/oauth.ts'
import { TokenManager, type RejectedConfig } from '../../server/unionpay/tokens.ts'
import { normaliseSignedUrl, signUpsdkConfig } from '../../server/unionpay/upsdk-config.ts'
import type { UpsdkConfigSignature } from '../../common/api.ts'
import { errorJson, header, json, readCookie, redirect, text, type KitRequest, type KitResponse } from './http.ts'

export const OPEN_PLATFORM_URL = 'https://open.95516.com'

/** Who logged in through 联登, handed to `onLogin` (start the merchant's own session there). */
export interface UpkitLogin {
  openId: string
  accessToken: string
  /** seconds */
  expiresIn: number
  scope: string
  /** The same-origin path the login started from. */
  redirect: string
}

/** A verified 云闪付 notification: every field as received, the signature already checked. */
export type VerifiedParams = Readonly<Record<string, string>>

/**
 * `N` is what the adapter passes through to the hooks: express `{ req, res }`, fastify
 * `{ request, reply }`. A hook that throws makes the kit answer the failure code, so the
 * platform sends the notification again.
 */
export interface UpkitHooks<N> {
  /** 联登 succeeded: start your session (cookie on `native`'s response). Without it the OAuth routes answer 404. */
  onLogin?(login: UpkitLogin, native: N): Promise<void> | void
  /** 解约结果通知 (seed 003 5.4.3) */
  onContractRelieved?(params: VerifiedParams, native: N): Promise<void> | void
  /** 用户授权解除通知 (5.2.3) */
  onAuthRevoked?(params: VerifiedParams, native: N): Promise<void> | void
  /** 支付密码验证结果通知 (5.3.2) */
  onPayPasswordResult?(params: VerifiedParams, native: N): Promise<void> | void
  /** 银商 支付结果通知 (seed 004 1.9), sign verified; called once per notifyId. */
  onChinaumsNotify?(fields: NotifyFields, native: N): Promise<void> | void
  /**
   * 全渠道 后台通知 (the `backUrl` of ACP 5.1.0): `signPubKeyCert` chain-checked against your
   * configured root and middle certificates, the signature verified, `merId` yours; called once
   * per notification. Settle the order in your records (compare `orderId`, `txnType` and
   * `txnAmt` with them; `respCode` `00` is success).
   */
  onAcpNotify?(fields: VerifiedParams, native: N): Promise<void> | void
}

export interface UpkitServerOptions<N = unknown> extends UpkitHooks<N> {
  /** The https origin users see; builds the OAuth `redirectUri` and is allowed for upsdk signing. */
  publicBaseUrl: string
  unionpay: {
    appId: string
    secret: string
    /** upPublicKey (base64 SPKI DER or PEM): needed for 云闪付 notifications. */
    publicKey?: string | undefined
    /** @default https://open.95516.com */
    baseUrl?: string | undefined
    /** UPSDK 安全域名: origins whose pages may be signed. @default [origin of publicBaseUrl] */
    upsdkAllowedOrigins?: readonly string[] | undefined
    /** Platform calls admitted per minute, shared through `kv` (≤ 1000). @default 1000 */
    callsPerMinute?: number | undefined
    /** @default 10000 */
    timeoutMs?: number | undefined
  }
  /** 银商 通讯密钥, for `/notify/chinaums`. */
  chinaums?: { md5Key: string } | undefined
  /** 全渠道, for `/notify/unionpay/acp`. */
  acp?:
    | {
        /** 商户号 (15 digits) */
        merId: string
        /** UnionPay's root and middle certificates: PEM text, base64 DER or a file path. */
        rootCert: string
        middleCert: string
        /** Accept UnionPay's test-environment certificates (CN `00040000:SIGN`); never in production. @default false */
        allowTestCn?: boolean | undefined
      }
    | undefined
  /** Tokens, OAuth state, notification receipts and the call budget; share one (Redis) across instances. @default in-process */
  kv?: KvStore | undefined
  /** Log sink for problems (never given secrets). @default console.warn */
  warn?: ((message: string, detail?: Record<string, unknown>) => void) | undefined
  clock?: (() => number) | undefined
  fetch?: FetchLike | undefined
}

export interface UpkitServer<N> {
  readonly tokens: TokenManager
  readonly unionpay: UnionpayClient
  readonly kv: KvStore
  /** `upsdk.config` parameters for a page URL (400-kind `DomainError` for a URL outside the 安全域名). */
  signConfig(url: unknown, rejected?: Omit<RejectedConfig, 'url'>): Promise<UpsdkConfigSignature>
  /** Answers a kit route, or null when the request is not one (the adapter passes it on). */
  handle(req: KitRequest, native: N): Promise<KitResponse | null>
  close(): Promise<void>
}

/** The routes the kit answers (CONTRACT.md paths). */
export const KIT_ROUTES = {
  config: '/api/upsdk/config',
  authorize: '/api/oauth/authorize',
  callback: '/api/oauth/callback',
  contractNotify: '/notify/unionpay/contract',
  authRevokeNotify: '/notify/unionpay/auth-revoke',
  payPasswordNotify: '/notify/unionpay/pay-password',
  chinaumsNotify: '/notify/chinaums',
  acpNotify: '/notify/unionpay/acp',
} as const

const BINDING_COOKIE = 'upkit_oauth'
const BINDING_FORMAT = /^[A-Za-z0-9_-]{43}$/
/** The platforms retry for up to 24 h: a receipt outlives that. */
const RECEIPT_TTL_MS = 25 * 3600_000
/** How long one delivery may hold a notification before a concurrent duplicate may try. */
const CLAIM_TTL_MS = 60_000

interface PendingLogin {
  binding: string
  redirect: string
  scope: string
}

const isPendingLogin = (v: unknown): v is PendingLogin =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as PendingLogin).binding === 'string' &&
  typeof (v as PendingLogin).redirect === 'string' &&
  typeof (v as PendingLogin).scope === 'string'

/** UnionPay's root and middle certificates from the options, each problem named. */
function acpTrust(acp: NonNullable<UpkitServerOptions<unknown>['acp']>, problems: string[]): TrustAnchors | undefined {
  if (!/^\d{15}$/.test(acp.merId ?? '')) problems.push('acp.merId 须为 15 位数字的商户号')
  const load = (name: 'rootCert' | 'middleCert') => {
    if (!acp[name]) return void problems.push(`acp.${name} 必填`)
    try {
      return loadCertificate(readSetting(acp[name]))
    } catch {
      problems.push(`acp.${name} 无法读取（须为 PEM、base64 DER 或证书文件路径）`)
    }
  }
  const root = load('rootCert')
  const middle = load('middleCert')
  if (!root || !middle) return undefined
  if (!middle.checkIssued(root) || !middle.verify(root.publicKey)) {
    problems.push('acp.middleCert 不是由 acp.rootCert 签发的')
    return undefined
  }
  return { root, middle }
}

/** Checks the options once, naming each problem; secrets are never echoed. Returns the 全渠道 anchors when configured. */
function checkOptions(o: UpkitServerOptions<unknown>): TrustAnchors | undefined {
  const problems: string[] = []
  let base: URL | undefined
  try {
    base = new URL(o.publicBaseUrl)
  } catch {
    problems.push('publicBaseUrl 须为完整的 http(s) 地址')
  }
  if (base && base.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname))
    problems.push('publicBaseUrl 须为 https（本机地址除外）')
  if (!o.unionpay?.appId) problems.push('unionpay.appId 必填')
  if (!o.unionpay?.secret) problems.push('unionpay.secret 必填')
  const perMinute = o.unionpay?.callsPerMinute
  if (perMinute !== undefined && !(Number.isInteger(perMinute) && perMinute > 0 && perMinute <= 1000))
    problems.push('unionpay.callsPerMinute 须为 1–1000 的整数')
  if (o.unionpay?.publicKey) {
    try {
      parsePublicKey(o.unionpay.publicKey)
    } catch {
      problems.push('unionpay.publicKey 无法解析（须为 base64 DER 或 PEM 公钥）')
    }
  }
  if (o.chinaums && !o.chinaums.md5Key) problems.push('chinaums.md5Key 必填')
  const trust = o.acp ? acpTrust(o.acp, problems) : undefined
  if (problems.length) throw new Error(`upkit 配置有误：\n${problems.map((p) => `- ${p}`).join('\n')}`)
  return trust
}

/**
 * The framework-agnostic server core: token manager, call budget and platform client over a
 * KvStore, and the kit's routes as a `KitRequest → KitResponse` function. `upkitExpress` and
 * `upkitFastify` mount it; anything else can call `handle` directly.
 */
export function createUpkitServer<N = unknown>(options: UpkitServerOptions<N>): UpkitServer<N> {
  const trust = checkOptions(options as UpkitServerOptions<unknown>)
  const clock = options.clock ?? Date.now
  const ownKv = !options.kv
  const kv = options.kv ?? new MemoryKv(clock)
  const warn = options.warn ?? ((m: string, d?: Record<string, unknown>) => console.warn(`[upkit] ${m}`, d ?? ''))
  const up = options.unionpay
  const baseUrl = (up.baseUrl ?? OPEN_PLATFORM_URL).replace(/\/+$/, '')
  const publicBase = options.publicBaseUrl.replace(/\/+$/, '')
  const allowedOrigins = up.upsdkAllowedOrigins ?? [new URL(publicBase).origin]
  const secure = publicBase.startsWith('https:')
  const budget = new CallBudget(kv, `budget:unionpay:${up.appId}`, up.callsPerMinute ?? 1000, clock)
  const unionpay = new UnionpayClient({
    baseUrl,
    timeoutMs: up.timeoutMs ?? 10_000,
    budget,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  const tokens = new TokenManager({ client: unionpay, kv, appId: up.appId, secret: up.secret, clock })
  const upPublicKey: KeyObject | null = up.publicKey ? parsePublicKey(up.publicKey) : null
  const states = new BoundStateStore<PendingLogin>(kv, 'upkit:oauth:state:', isPendingLogin)
  // the same verification as the demo server's /notify/unionpay/acp (server/acp/verify.ts)
  const acpVerifier = trust ? new AcpVerifier(trust, { allowTestCn: options.acp?.allowTestCn ?? false, clock }) : null

  async function signConfig(url: unknown, rejected?: Omit<RejectedConfig, 'url'>): Promise<UpsdkConfigSignature> {
    const signedUrl = normaliseSignedUrl(url, allowedOrigins)
    if (rejected) await tokens.reportFrontTokenRejected({ ...rejected, url: signedUrl })
    return signUpsdkConfig(up.appId, await tokens.get('front'), signedUrl, clock())
  }

  async function configRoute(req: KitRequest): Promise<KitResponse> {
    if (req.method !== 'POST') return errorJson(405, 'METHOD_NOT_ALLOWED', '请用 POST')
    const type = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    const body = req.body
    // JSON only: a cross-site form cannot send it without a CORS preflight.
    if (type !== 'application/json' || typeof body !== 'object' || body === null || Array.isArray(body))
      return errorJson(415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 对象（Content-Type: application/json）')
    const { url, rejected } = body as { url?: unknown; rejected?: unknown }
    let report: Omit<RejectedConfig, 'url'> | undefined
    if (rejected !== undefined) {
      const r = rejected as Record<string, unknown> | null
      const field = (k: string) =>
        typeof r?.[k] === 'string' && (r[k] as string).length <= 128 ? (r[k] as string) : ''
      report = { timestamp: field('timestamp'), nonceStr: field('nonceStr'), signature: field('signature') }
      if (!report.timestamp || !report.nonceStr || !report.signature)
        return errorJson(400, 'REJECTED_CONFIG_INVALID', 'rejected 须为被拒绝的签名 {timestamp, nonceStr, signature}')
    }
    return json(200, await signConfig(url, report))
  }

  function bindingCookie(value: string): string {
    return `${BINDING_COOKIE}=${value}; Path=/api/oauth; HttpOnly; SameSite=Lax; Max-Age=86400${secure ? '; Secure' : ''}`
  }

  async function authorizeRoute(req: KitRequest): Promise<KitResponse> {
    const q = new URL(req.url, publicBase).searchParams
    const inApp = isCloudpayUserAgent(header(req, 'user-agent'))
    const scope = resolveScope(q.get('scope') ?? undefined, inApp)
    const returnTo = loginReturnPath(q.get('redirect') ?? undefined)
    const current = readCookie(req, BINDING_COOKIE)
    const binding = current && BINDING_FORMAT.test(current) ? current : newBinding()
    const state = await states.create({ binding: hashBinding(binding), redirect: returnTo, scope })
    const location = buildAuthorizeUrl({
      baseUrl,
      appId: up.appId,
      redirectUri: `${publicBase}${KIT_ROUTES.callback}`,
      scope,
      state,
      inApp,
    })
    return redirect(location, { 'set-cookie': bindingCookie(binding) })
  }

  const loginError = (status: number, code: string, message: string) =>
    text(status, oauthErrorPage(code, message, '/'), 'text/html; charset=utf-8')

  async function callbackRoute(req: KitRequest, native: N): Promise<KitResponse> {
    const onLogin = options.onLogin
    if (!onLogin) return errorJson(404, 'NOT_FOUND', '未配置 onLogin')
    const q = readCallbackQuery(req.url)
    const state = q.get('state') ?? ''
    if (!STATE_PATTERN.test(state))
      return loginError(400, 'STATE_MISSING', '登录回调缺少有效的 state 参数，请重新登录。')
    const spent = await states.spend(state, readCookie(req, BINDING_COOKIE))
    if (!spent.ok)
      return spent.reason === 'unknown'
        ? loginError(
            400,
            'STATE_UNKNOWN',
            '这个登录链接已经使用过或已过期（10 分钟内有效，只能使用一次），请重新登录。',
          )
        : loginError(400, 'STATE_MISMATCH', '这个登录请求不是从当前浏览器发起的，为了您的账户安全已拒绝，请重新登录。')
    const pending = spent.data
    const errorcode = q.get('errorcode') ?? ''
    if (errorcode || q.get('errmsg')) {
      const back = new URLSearchParams({ error: authorizeErrorCode(errorcode), redirect: pending.redirect })
      return redirect(`/?${back.toString()}`)
    }
    const rawCode = q.raw('code')
    if (!rawCode) return loginError(400, 'CODE_MISSING', '登录回调缺少授权 code，请重新登录。')
    try {
      const token = await exchangeCode(unionpay, tokens, up.appId, decodeCode(rawCode))
      await onLogin({ ...token, scope: token.scope || pending.scope, redirect: pending.redirect }, native)
    } catch (err) {
      if (err instanceof UnionpayError && err.resp === 'a31')
        return loginError(400, 'CODE_EXPIRED', '授权 code 无效、已过期（5 分钟）或已被使用过（a31），请重新登录。')
      if (err instanceof UnionpayError)
        return loginError(502, `UNIONPAY_${err.resp}`, `云闪付开放平台暂时无法完成登录（${err.resp}），请稍后重试。`)
      if (err instanceof DomainError) return loginError(STATUS_OF_KIND[err.kind], err.code, err.message)
      throw err
    }
    return redirect(pending.redirect)
  }

  /**
   * Runs `effect` once per notification `id`: a receipt in the KvStore answers repeats without
   * running it again; a concurrent duplicate is told to come back (the platform retries).
   */
  async function once(id: string, effect: () => Promise<void> | void): Promise<boolean> {
    const done = `upkit:notify:done:${id}`
    if (await kv.get(done)) return true
    const claim = `upkit:notify:claim:${id}`
    if (!(await kv.setIfAbsent(claim, '1', CLAIM_TTL_MS))) return false
    try {
      await effect()
      await kv.set(done, '1', RECEIPT_TTL_MS)
      return true
    } catch (err) {
      warn('notification handler failed; the platform will retry', { error: (err as Error).message })
      return false
    } finally {
      await kv.del(claim)
    }
  }

  async function unionpayNotify(
    req: KitRequest,
    native: N,
    required: readonly string[],
    hook: ((p: VerifiedParams, n: N) => Promise<void> | void) | undefined,
  ): Promise<KitResponse> {
    const refuse = (why: string) => {
      warn(`refused a 云闪付 notification: ${why}`, { path: req.url.split('?')[0] })
      return json(200, { resp: '01' })
    }
    if (!hook) return errorJson(404, 'NOT_FOUND', '未配置该通知的处理函数')
    if (!upPublicKey) return refuse('unionpay.publicKey is not configured')
    const params = notificationParams(req.url, req.body)
    if (!params) return refuse('malformed parameters')
    if (!verifyNotification(params, upPublicKey)) return refuse('signature does not verify')
    if (params.appId !== undefined && params.appId !== up.appId) return refuse('another appId')
    const missing = missingFields(params, required)
    if (missing.length) return refuse(`missing ${missing.join(', ')}`)
    const stale = staleness(params.timestamp, clock())
    if (stale) return refuse(stale)
    const ok = await once(`unionpay:${replayKey(params.signature ?? '')}`, () => hook(params, native))
    return json(200, { resp: ok ? '00' : '01' })
  }

  async function chinaumsNotify(req: KitRequest, native: N): Promise<KitResponse> {
    const hook = options.onChinaumsNotify
    if (!hook || !options.chinaums) return errorJson(404, 'NOT_FOUND', '未配置银商通知')
    const body = req.body
    const params: Record<string, string> = {}
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string') params[k] = v
    if (!verifyNotifySign(params, options.chinaums.md5Key)) {
      warn('refused a 银商 notify: sign does not verify')
      return text(200, 'FAILED')
    }
    const fields = readNotifyFields(params)
    if (!fields) return text(200, 'FAILED')
    const id = fields.notifyId ?? params.sign ?? ''
    const ok = await once(`chinaums:${id}`, () => hook(fields, native))
    return text(200, ok ? 'SUCCESS' : 'FAILED')
  }

  /** 200 `ok` only once the merchant's hook has taken it: anything else and the gateway sends it again. */
  async function acpNotify(req: KitRequest, native: N): Promise<KitResponse> {
    const hook = options.onAcpNotify
    const merId = options.acp?.merId
    if (!hook || !acpVerifier || !merId) return errorJson(404, 'NOT_FOUND', '未配置全渠道通知')
    const refuse = (why: string) => {
      warn(`refused a 全渠道 notification: ${why}`)
      return text(400, 'fail')
    }
    const fields = notificationFields(req.body)
    if (!fields) return refuse('not a form of text fields')
    const verified = acpVerifier.verify(fields)
    if (!verified.ok) return refuse(verified.reason)
    if (fields.merId !== merId) return refuse('another merId')
    if (!fields.orderId || !fields.respCode || !fields.txnType) return refuse('missing orderId, respCode or txnType')
    const id = createHash('sha256')
      .update(fields.signature ?? '')
      .digest('hex')
    const ok = await once(`acp:${id}`, () => hook(fields, native))
    return ok ? text(200, 'ok') : text(500, 'fail')
  }

  async function route(req: KitRequest, native: N): Promise<KitResponse | null> {
    const path = req.url.split('?')[0] ?? ''
    const get = req.method === 'GET' || req.method === 'HEAD'
    const getOrPost = get || req.method === 'POST'
    switch (path) {
      case KIT_ROUTES.config:
        return configRoute(req)
      case KIT_ROUTES.authorize:
        return options.onLogin && get ? authorizeRoute(req) : null
      case KIT_ROUTES.callback:
        return get ? callbackRoute(req, native) : null
      case KIT_ROUTES.contractNotify:
        return getOrPost ? unionpayNotify(req, native, CONTRACT_RELIEVE_FIELDS, options.onContractRelieved) : null
      case KIT_ROUTES.authRevokeNotify:
        return getOrPost ? unionpayNotify(req, native, AUTH_REVOKE_FIELDS, options.onAuthRevoked) : null
      case KIT_ROUTES.payPasswordNotify:
        return getOrPost ? unionpayNotify(req, native, ['signature'], options.onPayPasswordResult) : null
      case KIT_ROUTES.chinaumsNotify:
        return req.method === 'POST' ? chinaumsNotify(req, native) : null
      case KIT_ROUTES.acpNotify:
        return req.method === 'POST' ? acpNotify(req, native) : null
      default:
        return null
    }
  }

  async function handle(req: KitRequest, native: N): Promise<KitResponse | null> {
    try {
      return await route(req, native)
    } catch (err) {
      if (err instanceof DomainError) return errorJson(STATUS_OF_KIND[err.kind], err.code, err.message)
      if (err instanceof UnionpayError) {
        warn('platform call failed', { api: err.api, resp: err.resp })
        return errorJson(502, `UNIONPAY_${err.resp}`, `云闪付开放平台返回错误（${err.resp}），请稍后重试`)
      }
      warn('unexpected error in an upkit route', { error: (err as Error).message })
      return errorJson(500, 'INTERNAL', '服务器内部错误')
    }
  }

  return {
    tokens,
    unionpay,
    kv,
    signConfig,
    handle,
    close: async () => {
      if (ownKv) await kv.close()
    },
  }
}
