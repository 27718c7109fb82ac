import { z } from 'zod'
import { parsePrivateKey, parsePublicKey } from './crypto/rsa.ts'
import { ACP_VARS, loadAcpConfig, type AcpConfig, type AcpEnv } from './acp/config.ts'
import { sandboxAcpDefaults } from './sandbox/acp/defaults.ts'
import { parseSealKey } from './crypto/seal.ts'
import { parseTrustProxy, type TrustProxy } from './http/trust-proxy.ts'
import { SANDBOX_CHINAUMS, SANDBOX_UNIONPAY, sandboxPartnerKeyPair, sandboxRsaKeyPair } from './sandbox/credentials.ts'
import { decideSandboxMode } from './sandbox-mode.ts'
import { MAX_UNPAID_ORDERS_PER_CLIENT } from './pay/order-limits.ts'

export const REAL_UNIONPAY_OPEN_BASE_URL = 'https://open.95516.com'
export const REAL_CHINAUMS_BASE_URL = 'https://api-mop.chinaums.com'
/** Where the sandbox is mounted on the server, below PUBLIC_BASE_URL. */
export const SANDBOX_PREFIX = '/sandbox'

export interface Config {
  port: number
  host: string
  publicBaseUrl: string
  /** Cookies get `Secure` when the public origin is https. */
  secureCookies: boolean
  sandbox: boolean
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Requests per minute per client IP on the API, notify and return routes. */
  rateLimitPerMinute: number
  /** Which reverse proxies' X-Forwarded-For is believed (TRUST_PROXY); false = none. */
  trustProxy: TrustProxy
  /** AES-256-GCM key for OAuth access tokens at rest (TOKEN_ENCRYPTION_KEY). */
  tokenEncryptionKey: Buffer
  /** Where pages load upsdk.js from (UPSDK_URL, else VITE_UPSDK_URL, else stub in sandbox mode); the CSP allows its origin. */
  upsdkUrl: string | undefined
  databaseUrl: string
  /** PostgreSQL connections per instance. */
  databasePoolMax: number
  redisUrl: string | undefined
  unionpay: {
    baseUrl: string
    appId: string
    secret: string
    symmetricKey: string
    /** base64 DER (SubjectPublicKeyInfo) or PEM; undefined when not configured. */
    publicKey: string | undefined
    privateKey: string | undefined
    upsdkAllowedOrigins: string[]
    contractPlans: string[]
    /** Upper bound of calls ARRIVING at the platform in any minute, across all instances. */
    callsPerMinute: number
    /** Calls one user (or one client address before login) may cause per minute. */
    callsPerUserPerMinute: number
    timeoutMs: number
    /** 5.3.1 支付密码验证: 商户号 and 业务类型 agreed with 云闪付; undefined when not configured. */
    payPwdMerchantId: string | undefined
    payPwdBizType: string | undefined
    /** 5.8 红包/抽奖 (附录十): 机构账户代码, 资格池编号, 抽奖活动编号; undefined when not configured. */
    insAcctId: string | undefined
    qualNum: string | undefined
    activityNumber: string | undefined
  }
  chinaums: {
    baseUrl: string
    appId: string
    appKey: string
    md5Key: string
    mid: string
    tid: string
    sourceId: string
    timeoutMs: number
  }
  /** Deploy-time settings injected into index.html (server/http/client-settings.ts). */
  client: {
    /** UPSDK_URL (or VITE_UPSDK_URL read at run time); `stub` in sandbox mode when neither is set. */
    upsdkUrl: string | undefined
    /** UPSDK_DEBUG=1/0; undefined follows the UA's `(updebug 1)`. */
    upsdkDebug: boolean | undefined
  }
  /** 全渠道 (UNIONPAY_ACP_*); null when not configured outside the sandbox. */
  acp: AcpConfig | null
  /** ADMIN_TOKEN: guards merchant actions (order list, refund, close). Outside the sandbox they are refused without it. */
  adminToken: string | undefined
  /** PAY_MAX_UNPAID_ORDERS: unpaid orders one client (user, else IP) may hold (server/pay/order-limits.ts). */
  maxUnpaidOrders: number
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''))

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

const upsdkUrl = z
  .string()
  .refine(
    (s) => s === 'stub' || /^\/(?!\/)/.test(s) || /^https?:\/\/[^/]/.test(s),
    'must be an http(s) URL, a path, or stub',
  )

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
)

const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HOST: optional(z.string().min(1)),
  PUBLIC_BASE_URL: optional(httpUrl),
  SANDBOX: optional(z.enum(['0', '1'])),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  RATE_LIMIT_PER_MINUTE: optional(z.coerce.number().int().min(1).max(1_000_000)),
  DATABASE_URL: optional(
    z
      .string()
      .regex(
        /^(sqlite:.+|postgres(ql)?:\/\/[^/].*)$/,
        'must look like sqlite:./path/to/file.db, sqlite::memory: or postgres://user:password@host:5432/database',
      ),
  ),
  DATABASE_POOL_MAX: optional(z.coerce.number().int().min(1).max(500)),
  UPSDK_URL: optional(upsdkUrl),
  UPSDK_DEBUG: optional(z.enum(['0', '1'])),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL')),
  UNIONPAY_OPEN_BASE_URL: optional(httpUrl),
  UNIONPAY_APP_ID: optional(z.string().min(1)),
  UNIONPAY_SECRET: optional(z.string().min(1)),
  UNIONPAY_SYMMETRIC_KEY: optional(
    z
      .string()
      .regex(/^([0-9a-fA-F]{32}|[0-9a-fA-F]{48})$/, 'must be 32 or 48 hex characters (a 16- or 24-byte 3DES key)'),
  ),
  UNIONPAY_PUBLIC_KEY: optional(z.string().min(1)),
  UNIONPAY_PRIVATE_KEY: optional(z.string().min(1)),
  UPSDK_ALLOWED_ORIGINS: optional(csv),
  UNIONPAY_CONTRACT_PLANS: optional(csv),
  UNIONPAY_CALLS_PER_MINUTE: optional(z.coerce.number().int().min(1).max(1000)),
  UNIONPAY_CALLS_PER_USER_PER_MINUTE: optional(z.coerce.number().int().min(1).max(1000)),
  TRUST_PROXY: optional(z.string()),
  VITE_UPSDK_URL: optional(
    z
      .string()
      .refine(
        (u) => u === 'stub' || u.startsWith('/') || /^https?:\/\/[^/]+/.test(u),
        'must be `stub`, a path, or an http(s) URL',
      ),
  ),
  TOKEN_ENCRYPTION_KEY: optional(z.string()),
  UNIONPAY_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(60000)),
  UNIONPAY_PAYPWD_MERCHANT_ID: optional(
    z.string().regex(/^[0-9A-Za-z]{1,32}$/, 'must be the 商户号 (1-32 letters or digits)'),
  ),
  UNIONPAY_PAYPWD_BIZ_TYPE: optional(
    z.string().regex(/^[0-9A-Za-z]{1,8}$/, 'must be the 业务类型 agreed with 云闪付 (e.g. 4a)'),
  ),
  UNIONPAY_INS_ACCT_ID: optional(
    z.string().regex(/^[0-9A-Za-z]{18}$/, 'must be the 18-character 机构账户代码 (T00 + 接入方代码)'),
  ),
  UNIONPAY_QUAL_NUM: optional(z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'must be the 资格池编号 (UUID)')),
  UNIONPAY_ACTIVITY_NUMBER: optional(z.string().regex(/^[0-9A-Za-z]{1,32}$/, 'must be the 抽奖活动编号')),
  CHINAUMS_BASE_URL: optional(httpUrl),
  CHINAUMS_APP_ID: optional(z.string().min(1)),
  CHINAUMS_APP_KEY: optional(z.string().min(1)),
  CHINAUMS_MD5_KEY: optional(z.string().min(1)),
  CHINAUMS_MID: optional(z.string().regex(/^\d{15}$/, 'must be the 15-digit merchant number')),
  CHINAUMS_TID: optional(z.string().regex(/^[0-9A-Za-z]{8}$/, 'must be the 8-character terminal number')),
  CHINAUMS_SOURCE_ID: optional(z.string().regex(/^[0-9A-Za-z]{4}$/, 'must be the 4-character 来源编号')),
  CHINAUMS_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(60000)),
  ADMIN_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  PAY_MAX_UNPAID_ORDERS: optional(z.coerce.number().int().min(1).max(10_000)),
})

function isOrigin(s: string): boolean {
  try {
    const u = new URL(s)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s.replace(/\/+$/, '')
  } catch {
    return false
  }
}

function isLoopbackUrl(s: string): boolean {
  try {
    const h = new URL(s).hostname
    return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  } catch {
    return false
  }
}

/** Reads and validates the configuration once; every problem is reported, one line per variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = []
  const e: Partial<z.output<typeof envSchema>> = {}
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const r = (schema as z.ZodType).safeParse(env[name])
    if (r.success) (e as Record<string, unknown>)[name] = r.data
    else problems.push(`${name}: ${r.error.issues.map((i) => i.message).join('; ')}`)
  }
  const mode = decideSandboxMode(env)
  // Without a decided mode, every "required when SANDBOX=0" line would only be noise.
  if (mode.problems.length) throw new ConfigError([...problems, ...mode.problems])
  const sandbox = mode.sandbox
  const port = e.PORT ?? 8787
  const host = e.HOST ?? '127.0.0.1'
  const publicBaseUrl = e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`
  // Seed 003 3.1 "访问页面仅支持https": outside the sandbox only a loopback host may be plain http.
  if (
    !sandbox &&
    e.PUBLIC_BASE_URL !== undefined &&
    !publicBaseUrl.startsWith('https://') &&
    !isLoopbackUrl(publicBaseUrl)
  ) {
    problems.push(
      'PUBLIC_BASE_URL: must be https outside the sandbox (the platform only opens https pages; plain http only for a loopback host)',
    )
  }
  const sandboxBase = `${publicBaseUrl}${SANDBOX_PREFIX}`

  const need = (name: keyof typeof e, value: string | undefined, sandboxValue: string): string => {
    if (value !== undefined) return value
    if (sandbox) return sandboxValue
    problems.push(`${name}: required when SANDBOX=0`)
    return ''
  }

  const origins = e.UPSDK_ALLOWED_ORIGINS ?? [new URL(publicBaseUrl).origin]
  for (const o of origins)
    if (!isOrigin(o)) problems.push(`UPSDK_ALLOWED_ORIGINS: "${o}" is not an http(s) origin (scheme://host[:port])`)

  const unionpay = {
    baseUrl: e.UNIONPAY_OPEN_BASE_URL ?? (sandbox ? `${sandboxBase}/unionpay` : REAL_UNIONPAY_OPEN_BASE_URL),
    appId: need('UNIONPAY_APP_ID', e.UNIONPAY_APP_ID, SANDBOX_UNIONPAY.appId),
    secret: need('UNIONPAY_SECRET', e.UNIONPAY_SECRET, SANDBOX_UNIONPAY.secret),
    symmetricKey: need('UNIONPAY_SYMMETRIC_KEY', e.UNIONPAY_SYMMETRIC_KEY, SANDBOX_UNIONPAY.symmetricKey),
    publicKey: e.UNIONPAY_PUBLIC_KEY ?? (sandbox ? sandboxRsaKeyPair().publicKeyDer : undefined),
    privateKey: e.UNIONPAY_PRIVATE_KEY ?? (sandbox ? sandboxPartnerKeyPair().privateKeyPem : undefined),
    upsdkAllowedOrigins: origins.map((o) => new URL(o).origin),
    contractPlans: e.UNIONPAY_CONTRACT_PLANS ?? (sandbox ? [...SANDBOX_UNIONPAY.contractPlans] : []),
    callsPerMinute: e.UNIONPAY_CALLS_PER_MINUTE ?? 1000,
    callsPerUserPerMinute: e.UNIONPAY_CALLS_PER_USER_PER_MINUTE ?? 30,
    timeoutMs: e.UNIONPAY_TIMEOUT_MS ?? 10_000,
    payPwdMerchantId: e.UNIONPAY_PAYPWD_MERCHANT_ID ?? (sandbox ? SANDBOX_UNIONPAY.payPwdMerchantId : undefined),
    payPwdBizType: e.UNIONPAY_PAYPWD_BIZ_TYPE ?? (sandbox ? SANDBOX_UNIONPAY.payPwdBizTypes[0] : undefined),
    insAcctId: e.UNIONPAY_INS_ACCT_ID ?? (sandbox ? SANDBOX_UNIONPAY.insAcctId : undefined),
    qualNum: e.UNIONPAY_QUAL_NUM ?? (sandbox ? SANDBOX_UNIONPAY.qualNum : undefined),
    activityNumber: e.UNIONPAY_ACTIVITY_NUMBER ?? (sandbox ? SANDBOX_UNIONPAY.activityNumber : undefined),
  }
  const chinaums = {
    baseUrl: e.CHINAUMS_BASE_URL ?? (sandbox ? `${sandboxBase}/chinaums` : REAL_CHINAUMS_BASE_URL),
    appId: need('CHINAUMS_APP_ID', e.CHINAUMS_APP_ID, SANDBOX_CHINAUMS.appId),
    appKey: need('CHINAUMS_APP_KEY', e.CHINAUMS_APP_KEY, SANDBOX_CHINAUMS.appKey),
    md5Key: need('CHINAUMS_MD5_KEY', e.CHINAUMS_MD5_KEY, SANDBOX_CHINAUMS.md5Key),
    mid: need('CHINAUMS_MID', e.CHINAUMS_MID, SANDBOX_CHINAUMS.mid),
    tid: need('CHINAUMS_TID', e.CHINAUMS_TID, SANDBOX_CHINAUMS.tid),
    sourceId: need('CHINAUMS_SOURCE_ID', e.CHINAUMS_SOURCE_ID, SANDBOX_CHINAUMS.sourceId),
    timeoutMs: e.CHINAUMS_TIMEOUT_MS ?? 10_000,
  }
  if (unionpay.publicKey !== undefined) {
    try {
      parsePublicKey(unionpay.publicKey)
    } catch {
      problems.push('UNIONPAY_PUBLIC_KEY: not a readable RSA public key (base64 DER SubjectPublicKeyInfo or PEM)')
    }
  }
  if (unionpay.privateKey !== undefined) {
    try {
      parsePrivateKey(unionpay.privateKey)
    } catch {
      problems.push('UNIONPAY_PRIVATE_KEY: not a readable RSA private key (PKCS#8 base64 DER or PEM)')
    }
  }
  const acpEnv = Object.fromEntries(ACP_VARS.map((k) => [k, env[k]])) as AcpEnv
  const acp = loadAcpConfig(acpEnv, sandbox ? () => sandboxAcpDefaults(`${sandboxBase}/acp`) : null, problems)
  if (unionpay.callsPerUserPerMinute > unionpay.callsPerMinute) {
    problems.push('UNIONPAY_CALLS_PER_USER_PER_MINUTE: must not exceed UNIONPAY_CALLS_PER_MINUTE')
  }
  const trustProxy = parseTrustProxy(e.TRUST_PROXY)
  if ('problem' in trustProxy)
    problems.push(
      `TRUST_PROXY: ${trustProxy.problem} (a hop count 1..10, or a comma-separated list of proxy addresses / CIDRs)`,
    )
  const sealKey = parseSealKey(e.TOKEN_ENCRYPTION_KEY, unionpay.secret)
  if ('problem' in sealKey) problems.push(`TOKEN_ENCRYPTION_KEY: ${sealKey.problem}`)
  const upsdkUrlSetting = e.UPSDK_URL ?? e.VITE_UPSDK_URL ?? (sandbox ? 'stub' : undefined)
  if (upsdkUrlSetting === 'stub' && !sandbox) problems.push("UPSDK_URL: stub (the kit's stand-in) only in sandbox mode")
  if (problems.length) throw new ConfigError(problems)
  return {
    port,
    host,
    publicBaseUrl,
    secureCookies: publicBaseUrl.startsWith('https://'),
    sandbox,
    logLevel: e.LOG_LEVEL ?? 'info',
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? 600,
    trustProxy: 'value' in trustProxy ? trustProxy.value : false,
    tokenEncryptionKey: 'key' in sealKey ? sealKey.key : Buffer.alloc(32),
    // the CSP's script-src follows the URL pages are told to load (the injected run-time setting)
    upsdkUrl: upsdkUrlSetting,
    databaseUrl: e.DATABASE_URL ?? 'sqlite:./data/upkit.db',
    databasePoolMax: e.DATABASE_POOL_MAX ?? 10,
    redisUrl: e.REDIS_URL,
    unionpay,
    chinaums,
    acp,
    adminToken: e.ADMIN_TOKEN,
    maxUnpaidOrders: e.PAY_MAX_UNPAID_ORDERS ?? MAX_UNPAID_ORDERS_PER_CLIENT,
    client: { upsdkUrl: upsdkUrlSetting, upsdkDebug: e.UPSDK_DEBUG === undefined ? undefined : e.UPSDK_DEBUG === '1' },
  }
}
