import type { Config } from './config.ts'

/** The settings that are a real platform's credentials, per platform. */
export const REAL_CREDENTIALS: ReadonlyArray<readonly [platform: string, variables: readonly string[]]> = [
  [
    '云闪付开放平台',
    ['UNIONPAY_APP_ID', 'UNIONPAY_SECRET', 'UNIONPAY_SYMMETRIC_KEY', 'UNIONPAY_PUBLIC_KEY', 'UNIONPAY_PRIVATE_KEY'],
  ],
  ['银商', ['CHINAUMS_APP_ID', 'CHINAUMS_APP_KEY', 'CHINAUMS_MD5_KEY', 'CHINAUMS_MID', 'CHINAUMS_TID']],
  ['全渠道', ['UNIONPAY_ACP_MER_ID', 'UNIONPAY_ACP_SIGN_CERT', 'UNIONPAY_ACP_SIGN_CERT_PASSWORD']],
]

/**
 * Sandbox mode is explicit or unmistakable. `SANDBOX=1` / `SANDBOX=0` decide. Unset: an
 * `UNIONPAY_APP_ID` means production (as before); no credential at all means the sandbox; any
 * other real credential without `SANDBOX` is refused (one line per platform) — it used to turn
 * the sandbox on silently next to real 银商 settings.
 */
export function decideSandboxMode(env: Record<string, string | undefined>): { sandbox: boolean; problems: string[] } {
  const flag = env.SANDBOX?.trim()
  if (flag === '1') return { sandbox: true, problems: [] }
  if (flag === '0') return { sandbox: false, problems: [] }
  if (flag) return { sandbox: false, problems: [] } // the schema reports a malformed SANDBOX
  const isSet = (name: string) => (env[name] ?? '').trim() !== ''
  if (isSet('UNIONPAY_APP_ID')) return { sandbox: false, problems: [] }
  const problems: string[] = []
  for (const [platform, variables] of REAL_CREDENTIALS) {
    const present = variables.filter(isSet)
    if (present.length) {
      problems.push(
        `SANDBOX: real ${platform} credentials are set (${present.join(', ')}) but SANDBOX is not — set SANDBOX=0 to use the real platforms, or SANDBOX=1 to run the simulated ones anyway`,
      )
    }
  }
  return { sandbox: problems.length === 0, problems }
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/

/** The platform origins this deployment talks to (every `baseUrl` in the config). */
function gatewayUrls(config: Config): string[] {
  const urls: string[] = []
  for (const section of Object.values(config)) {
    if (
      typeof section === 'object' &&
      section !== null &&
      'baseUrl' in section &&
      typeof section.baseUrl === 'string'
    ) {
      urls.push(section.baseUrl)
    }
  }
  return urls
}

/** Gateways that are not a sandbox of ours: anything but loopback or this server's own `/sandbox/`. */
export function nonLocalGateways(config: Config): string[] {
  const own = `${config.publicBaseUrl}/sandbox/`
  return gatewayUrls(config).filter((u) => !LOOPBACK_HOSTS.test(new URL(u).hostname) && !`${u}/`.startsWith(own))
}

/**
 * Merchant actions (refund, close, ...) are open without ADMIN_TOKEN only in sandbox mode AND
 * when every gateway is a local sandbox: never against a real gateway.
 */
export function adminOpenWithoutToken(config: Config): boolean {
  return config.sandbox && nonLocalGateways(config).length === 0
}

/** The start-up banner in sandbox mode: unmistakable, and naming any gateway that is not local. */
export function sandboxBanner(config: Config): string[] {
  const bar = '!'.repeat(72)
  const lines = [
    bar,
    '!!  沙箱模式 SANDBOX MODE — 所有平台均为本机模拟，不会产生真实交易',
    '!!  every platform is SIMULATED in-process; no real money moves',
    `!!  simulated platforms: ${config.publicBaseUrl}/sandbox/`,
  ]
  const remote = nonLocalGateways(config)
  if (remote.length) {
    lines.push(`!!  WARNING: not local: ${remote.join(', ')} — merchant actions need ADMIN_TOKEN`)
  } else if (!config.adminToken) {
    lines.push('!!  merchant actions (refund, close) are open without ADMIN_TOKEN in this mode')
  }
  lines.push(bar)
  return lines
}
