import { fileURLToPath } from 'node:url'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { Config } from './config.ts'
import { createPublicKey } from 'node:crypto'
import { parsePrivateKey, parsePublicKey } from './crypto/rsa.ts'
import { SANDBOX_PREFIX } from './config.ts'
import type { AppContext } from './context.ts'
import { clientSettings } from './http/client-settings.ts'
import { registerCallSubjects } from './http/call-subject.ts'
import { registerCsrfGuard } from './http/csrf.ts'
import { registerErrorHandler } from './http/error-handler.ts'
import { registerRateLimit, type RateLimitSync } from './http/rate-limit.ts'
import { inlineStylesOf, registerSecurityHeaders } from './http/security-headers.ts'
import { fastifyTrustProxy } from './http/trust-proxy.ts'
import { applyServerTimeouts, SERVER_TIMEOUTS } from './http/timeouts.ts'
import { registerNoStore } from './http/no-store.ts'
import { registerAdminCheck } from './http/admin.ts'
import { lazyRequestLogger, logAccess, REDACT_PATHS, requestSerializer } from './log.ts'
import { buildServices } from './compose.ts'
import type { Job } from './jobs.ts'
import { registerAcpRoutes } from './acp/routes.ts'
import { registerNojumpRoutes } from './acp/nojump/routes.ts'
import { registerPreauthRoutes } from './acp/preauth/routes.ts'
import type { PreauthService } from './acp/preauth/service.ts'
import { registerReconcileRoutes } from './acp/reconcile/routes.ts'
import type { AcpService } from './acp/service.ts'
import type { NojumpService } from './acp/nojump/service.ts'
import { registerContractRoutes } from './contract/routes.ts'
import { registerCapabilitiesRoute } from './routes/capabilities.ts'
import { registerMarketingRoutes } from './marketing/routes.ts'
import { registerPayPasswordRoutes } from './paypwd/routes.ts'
import { registerHealthRoutes } from './routes/health.ts'
import { registerOauthRoutes } from './oauth/routes.ts'
import { registerPayRoutes } from './pay/routes.ts'
import { readIndexHtml, registerStatic } from './routes/static.ts'
import { registerUpsdkRoutes } from './routes/upsdk.ts'
import type { SandboxContext } from './sandbox/context.ts'
import { registerSandbox } from './sandbox/index.ts'
import { registerSessions } from './session/plugin.ts'
import { SessionStore } from './session/store.ts'
import { openKv, type KvStore } from './store/index.ts'
import { openDatabase, type Db } from './store/kysely-db.ts'
import { CallBudget } from './unionpay/budget.ts'
import { UnionpayClient, type FetchLike } from './unionpay/client.ts'
import { TokenManager } from './unionpay/tokens.ts'

export interface BuildAppOptions {
  /** Injected for tests; opened from the config otherwise. */
  db?: Db
  kv?: KvStore
  fetch?: FetchLike
  clock?: () => number
  /** Serve the built front end from this folder. @default `<repo>/dist` */
  distDir?: string | false
  /** Where log lines go (tests read them). @default stdout */
  logStream?: NodeJS.WritableStream
  /** Requests per minute per client IP on `/api` and `/pay/return`; refused notifications on `/notify`. @default config.rateLimitPerMinute */
  rateLimitPerMinute?: number
  /** With REDIS_URL: how often the rate-limit counts are exchanged; 0: only on `rateLimit.flush()` (tests). @default 200 */
  rateLimitSyncMs?: number
}

export interface App {
  app: FastifyInstance
  ctx: AppContext
  /** Present in sandbox mode: the simulated platforms' state. */
  sandbox: SandboxContext | undefined
  /** The 全渠道 feature; null when UNIONPAY_ACP_* is not configured. */
  acp: AcpService | null
  /** 银联无跳转支付; null without 全渠道 or UNIONPAY_ACP_TR_ID. */
  nojump: NojumpService | null
  /** 预授权; null without 全渠道 + UNIONPAY_ACP_TR_ID. */
  preauth: PreauthService | null
  /** The background jobs (compose.ts), started when the app is ready. */
  jobs: readonly Job[]
  /** With REDIS_URL: the rate-limit counts shared by the instances. */
  rateLimit: RateLimitSync | undefined
}

const DEFAULT_DIST = fileURLToPath(new URL('../dist', import.meta.url))

/** Builds the whole server (API, notifications, sandbox when configured, static app) without listening. */
export async function buildApp(config: Config, options: BuildAppOptions = {}): Promise<App> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { req: requestSerializer },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // the per-request logger is built when first used: most requests log nothing through it
    childLoggerFactory: lazyRequestLogger,
    // one access line per request (logAccess below) instead of Fastify's two: half the log cost on the hot path
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    ...SERVER_TIMEOUTS,
  })
  applyServerTimeouts(app)
  logAccess(app)
  const clock = options.clock ?? Date.now
  const db = options.db ?? (await openDatabase(config.databaseUrl, { poolMax: config.databasePoolMax }))
  const kv = options.kv ?? openKv(config.redisUrl, clock)
  const budget = new CallBudget(kv, `budget:unionpay:${config.unionpay.appId}`, config.unionpay.callsPerMinute, clock, {
    perSubject: config.unionpay.callsPerUserPerMinute,
  })
  const unionpay = new UnionpayClient({
    baseUrl: config.unionpay.baseUrl,
    timeoutMs: config.unionpay.timeoutMs,
    budget,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  const tokens = new TokenManager({
    client: unionpay,
    kv,
    appId: config.unionpay.appId,
    secret: config.unionpay.secret,
    // the refresh lock outlasts the holder's platform call, so no second instance fetches meanwhile
    lockTtlMs: Math.max(15_000, config.unionpay.timeoutMs + 5_000),
    clock,
  })
  const sessions = new SessionStore(db, undefined, clock, config.tokenEncryptionKey)
  const upPublicKey = config.unionpay.publicKey ? parsePublicKey(config.unionpay.publicKey) : null
  const ctx: AppContext = {
    config,
    db,
    kv,
    sessions,
    unionpay,
    tokens,
    log: app.log,
    clock,
    upPublicKey,
  }

  // Route schemas are zod (fastify-type-provider-zod); a failure is answered by the error handler.
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  registerErrorHandler(app)
  registerNoStore(app)
  registerAdminCheck(app, config)
  const distDir = options.distDir === undefined ? DEFAULT_DIST : options.distDir
  const indexHtml = distDir ? readIndexHtml(distDir) : undefined
  registerSecurityHeaders(app, {
    publicBaseUrl: config.publicBaseUrl,
    inlineStyles: indexHtml === undefined ? [] : inlineStylesOf(indexHtml),
    upsdkUrl: config.upsdkUrl,
    sandbox: config.sandbox,
    // 无跳转 front transactions: the page posts the signed form to the 全渠道 gateway.
    formTargets: config.acp?.trId ? [new URL(config.acp.baseUrl).origin] : [],
  })
  await app.register(fastifyCookie)
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 })
  registerCsrfGuard(app, {
    allowedOrigins: [new URL(config.publicBaseUrl).origin, ...config.unionpay.upsdkAllowedOrigins],
  })
  const rateLimit = registerRateLimit(app, {
    max: options.rateLimitPerMinute ?? config.rateLimitPerMinute,
    clock,
    ...(config.redisUrl ? { shared: { kv, syncMs: options.rateLimitSyncMs, log: app.log } } : {}),
  })
  registerSessions(app, sessions)
  registerCallSubjects(app)

  // The composition root: every service and background job is built here, once.
  const { services, jobs } = buildServices(ctx)
  app.decorate('pay', services.pay)
  app.addHook('onReady', async () => {
    for (const job of jobs) job.start()
  })
  app.addHook('onClose', async () => {
    for (const job of jobs) await job.stop()
  })

  registerHealthRoutes(app, ctx)
  registerUpsdkRoutes(app, ctx)
  await registerOauthRoutes(app, ctx, services.oauth)
  await registerContractRoutes(app, ctx, { service: services.contract.service, oauth: services.oauth })
  await registerPayRoutes(app, ctx, services.pay)
  await registerAcpRoutes(app, ctx, services.acp)
  await registerNojumpRoutes(app, ctx, services.nojump)
  await registerPreauthRoutes(app, ctx, services.preauth)
  await registerReconcileRoutes(app, ctx, services.reconcile)
  registerCapabilitiesRoute(app, ctx, {
    acp: services.acp !== null,
    nojump: services.nojump !== null,
    preauth: services.preauth !== null,
  })
  await registerPayPasswordRoutes(app, ctx, services.payPwd)
  await registerMarketingRoutes(app, ctx, services.marketing)

  let sandbox: SandboxContext | undefined
  if (config.sandbox) {
    await app.register(
      async (scope) => {
        sandbox = await registerSandbox(scope, {
          appBaseUrl: config.publicBaseUrl,
          sandboxBaseUrl: `${config.publicBaseUrl}${SANDBOX_PREFIX}`,
          clock,
          // The platform holds the partner's public key (3.1 后台加解密公钥), never the private one.
          partnerPublicKeyPem: config.unionpay.privateKey
            ? createPublicKey(parsePrivateKey(config.unionpay.privateKey))
                .export({ type: 'spki', format: 'pem' })
                .toString()
            : undefined,
        })
      },
      { prefix: SANDBOX_PREFIX },
    )
  }

  if (distDir) await registerStatic(app, distDir, clientSettings(config))

  app.addHook('onClose', async () => {
    if (!options.kv) await kv.close()
    if (!options.db) await db.destroy()
  })
  await app.ready()
  return {
    app,
    ctx,
    sandbox,
    acp: services.acp,
    nojump: services.nojump,
    preauth: services.preauth,
    jobs,
    rateLimit,
  }
}
