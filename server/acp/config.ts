import type { X509Certificate } from 'node:crypto'
import {
  AcpCertError,
  loadCertificate,
  loadPkcs12,
  readSetting,
  type SigningIdentity,
  type TrustAnchors,
} from './certs.ts'

export const REAL_ACP_BASE_URL = 'https://gateway.95516.com'
/** File transfer (76) has its own origin (acpsdk `acpsdk.fileTransUrl`; test: filedownload.test.95516.com). */
export const REAL_ACP_FILE_BASE_URL = 'https://filedownload.95516.com'

export interface PlanLimits {
  /** 分, per charge. */
  single: number
  /** 分, per contract per Beijing day. */
  daily: number
}

/** The 全渠道 settings, read and checked once at start (certificates parsed). */
export interface AcpConfig {
  baseUrl: string
  /** Origin of the file-transfer transaction (reconciliation file); requests go to `${fileBaseUrl}/`. */
  fileBaseUrl: string
  merId: string
  identity: SigningIdentity
  trust: TrustAnchors
  encryptCert: X509Certificate
  timeoutMs: number
  /** UNIONPAY_ACP_ALLOW_TEST_CN=1: accept the test environment's `00040000:SIGN` CN. Test-only. */
  allowTestCn: boolean
  planLimits: Record<string, PlanLimits>
  /** 预授权完成 at most this share of the hold (UNIONPAY_ACP_PREAUTH_MAX_RATIO; UnionPay allows up to 1.15). */
  preauthMaxRatio: number
  /** 无跳转 token requestor id (UNIONPAY_ACP_TR_ID); null: token payment off. */
  trId: string | null
}

export const ACP_VARS = [
  'UNIONPAY_ACP_BASE_URL',
  'UNIONPAY_ACP_FILE_BASE_URL',
  'UNIONPAY_ACP_MER_ID',
  'UNIONPAY_ACP_SIGN_CERT',
  'UNIONPAY_ACP_SIGN_CERT_PASSWORD',
  'UNIONPAY_ACP_ROOT_CERT',
  'UNIONPAY_ACP_MIDDLE_CERT',
  'UNIONPAY_ACP_ENCRYPT_CERT',
  'UNIONPAY_ACP_TIMEOUT_MS',
  'UNIONPAY_ACP_ALLOW_TEST_CN',
  'UNIONPAY_ACP_PLAN_LIMITS',
  'UNIONPAY_ACP_TR_ID',
  'UNIONPAY_ACP_PREAUTH_MAX_RATIO',
] as const
const REQUIRED = [
  'UNIONPAY_ACP_MER_ID',
  'UNIONPAY_ACP_SIGN_CERT',
  'UNIONPAY_ACP_SIGN_CERT_PASSWORD',
  'UNIONPAY_ACP_ROOT_CERT',
  'UNIONPAY_ACP_MIDDLE_CERT',
  'UNIONPAY_ACP_ENCRYPT_CERT',
] as const

export type AcpEnv = Partial<Record<(typeof ACP_VARS)[number], string>>

/** `PLAN0001:5000:20000,PLAN0002:10000:50000` → per-plan single and daily limits in 分. */
export function parsePlanLimits(s: string): { limits: Record<string, PlanLimits>; problem?: string } {
  const limits: Record<string, PlanLimits> = {}
  for (const item of s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]{1,64}):(\d{1,9}):(\d{1,10})$/.exec(item)
    if (!m) return { limits, problem: `"${item}" is not planId:single:daily (amounts in 分)` }
    const single = Number(m[2])
    const daily = Number(m[3])
    if (single < 1 || daily < single) return { limits, problem: `"${item}": single must be ≥ 1 and daily ≥ single` }
    limits[m[1]!] = { single, daily }
  }
  return { limits }
}

/**
 * Reads the UNIONPAY_ACP_* variables. Outside the sandbox, none set → null (the 全渠道
 * features answer 503); some set → every missing or unreadable one is a problem. In the sandbox
 * the missing ones come from `sandboxDefaults`.
 */
export function loadAcpConfig(
  env: AcpEnv,
  sandboxDefaults:
    | (() => Required<
        Omit<
          AcpEnv,
          | 'UNIONPAY_ACP_TIMEOUT_MS'
          | 'UNIONPAY_ACP_ALLOW_TEST_CN'
          | 'UNIONPAY_ACP_TR_ID'
          | 'UNIONPAY_ACP_PREAUTH_MAX_RATIO'
        >
      > &
        Pick<AcpEnv, 'UNIONPAY_ACP_TR_ID'>)
    | null,
  problems: string[],
): AcpConfig | null {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as AcpEnv
  const anyGiven = REQUIRED.some((k) => given[k] !== undefined)
  if (!anyGiven && !sandboxDefaults) return null
  const e: AcpEnv = { ...(sandboxDefaults && !anyGiven ? sandboxDefaults() : {}), ...given }
  const before = problems.length
  for (const k of REQUIRED) if (!e[k]) problems.push(`${k}: required once any UNIONPAY_ACP_* setting is given`)
  const baseUrl = (e.UNIONPAY_ACP_BASE_URL ?? REAL_ACP_BASE_URL).replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) problems.push('UNIONPAY_ACP_BASE_URL: must be an http(s) URL')
  const fileBaseUrl = (e.UNIONPAY_ACP_FILE_BASE_URL ?? REAL_ACP_FILE_BASE_URL).replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s/]+/.test(fileBaseUrl)) problems.push('UNIONPAY_ACP_FILE_BASE_URL: must be an http(s) URL')
  if (e.UNIONPAY_ACP_MER_ID && !/^[0-9A-Za-z]{15}$/.test(e.UNIONPAY_ACP_MER_ID))
    problems.push('UNIONPAY_ACP_MER_ID: must be the 15-character merchant number')
  const timeoutMs = e.UNIONPAY_ACP_TIMEOUT_MS ? Number(e.UNIONPAY_ACP_TIMEOUT_MS) : 10_000
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)
    problems.push('UNIONPAY_ACP_TIMEOUT_MS: must be an integer from 100 to 60000')
  if (e.UNIONPAY_ACP_ALLOW_TEST_CN && !['0', '1'].includes(e.UNIONPAY_ACP_ALLOW_TEST_CN))
    problems.push('UNIONPAY_ACP_ALLOW_TEST_CN: must be 0 or 1')
  if (e.UNIONPAY_ACP_TR_ID && !/^\d{11}$/.test(e.UNIONPAY_ACP_TR_ID))
    problems.push('UNIONPAY_ACP_TR_ID: must be the 11-digit token requestor id (无跳转支付)')
  const preauthMaxRatio = e.UNIONPAY_ACP_PREAUTH_MAX_RATIO ? Number(e.UNIONPAY_ACP_PREAUTH_MAX_RATIO) : 1
  if (!(preauthMaxRatio >= 0.01 && preauthMaxRatio <= 1.15))
    problems.push('UNIONPAY_ACP_PREAUTH_MAX_RATIO: must be a number from 0.01 to 1.15 (UnionPay allows up to 115 %)')
  const { limits, problem } = parsePlanLimits(e.UNIONPAY_ACP_PLAN_LIMITS ?? '')
  if (problem) problems.push(`UNIONPAY_ACP_PLAN_LIMITS: ${problem}`)
  const read = <T>(name: string, f: () => T): T | undefined => {
    try {
      return f()
    } catch (err) {
      const why =
        err instanceof AcpCertError
          ? err.message
          : err instanceof Error && 'code' in err && err.code === 'ENOENT'
            ? 'file not found'
            : 'unreadable'
      problems.push(`${name}: ${why}`)
      return undefined
    }
  }
  const identity = e.UNIONPAY_ACP_SIGN_CERT
    ? read('UNIONPAY_ACP_SIGN_CERT', () =>
        loadPkcs12(readSetting(e.UNIONPAY_ACP_SIGN_CERT!), e.UNIONPAY_ACP_SIGN_CERT_PASSWORD ?? ''),
      )
    : undefined
  const root = e.UNIONPAY_ACP_ROOT_CERT
    ? read('UNIONPAY_ACP_ROOT_CERT', () => loadCertificate(readSetting(e.UNIONPAY_ACP_ROOT_CERT!)))
    : undefined
  const middle = e.UNIONPAY_ACP_MIDDLE_CERT
    ? read('UNIONPAY_ACP_MIDDLE_CERT', () => loadCertificate(readSetting(e.UNIONPAY_ACP_MIDDLE_CERT!)))
    : undefined
  const encryptCert = e.UNIONPAY_ACP_ENCRYPT_CERT
    ? read('UNIONPAY_ACP_ENCRYPT_CERT', () => loadCertificate(readSetting(e.UNIONPAY_ACP_ENCRYPT_CERT!)))
    : undefined
  if (root && middle && (!middle.checkIssued(root) || !middle.verify(root.publicKey)))
    problems.push('UNIONPAY_ACP_MIDDLE_CERT: not issued by UNIONPAY_ACP_ROOT_CERT')
  if (problems.length > before || !identity || !root || !middle || !encryptCert) return null
  return {
    baseUrl,
    fileBaseUrl,
    merId: e.UNIONPAY_ACP_MER_ID!,
    identity,
    trust: { root, middle },
    encryptCert,
    timeoutMs,
    allowTestCn: e.UNIONPAY_ACP_ALLOW_TEST_CN === '1',
    planLimits: limits,
    trId: e.UNIONPAY_ACP_TR_ID || null,
    preauthMaxRatio,
  }
}
