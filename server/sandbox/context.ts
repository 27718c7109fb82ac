import { ChinaumsSandboxState } from './chinaums/state.ts'
import { sandboxRsaKeyPair } from './credentials.ts'
import { SandboxContracts } from './unionpay/contract/state.ts'
import { UnionpaySandboxState } from './unionpay/state.ts'

/**
 * Everything a running sandbox knows: its settings and the state of each simulated platform.
 * One object per `registerSandbox` call — no module-level state — so two apps in one process
 * (tests, multi-instance checks) never share a platform.
 */
export interface SandboxContext {
  /** The app server's public origin: notifications are POSTed to `${appBaseUrl}/notify/...`. */
  appBaseUrl: string
  /** The sandbox's own public base (`${PUBLIC_BASE_URL}/sandbox`), for links on its pages. */
  sandboxBaseUrl: string
  /** PEM of the sandbox platform's RSA private key (signs 开放平台 notifications). */
  rsaPrivateKeyPem: string
  clock: () => number
  /** 云闪付开放平台: app, tokens, codes, users, call log. */
  unionpay: UnionpaySandboxState
  /** 云闪付开放平台 无感支付: contracts, scripted failures, sent notifications. */
  contracts: SandboxContracts
  /** 银商 gateway: orders, refunds, faults, notify log. */
  chinaums: ChinaumsSandboxState
}

export interface SandboxOptions {
  appBaseUrl: string
  sandboxBaseUrl: string
  clock?: () => number
}

export function createSandboxContext(options: SandboxOptions): SandboxContext {
  const clock = options.clock ?? Date.now
  return {
    appBaseUrl: options.appBaseUrl,
    sandboxBaseUrl: options.sandboxBaseUrl,
    rsaPrivateKeyPem: sandboxRsaKeyPair().privateKeyPem,
    clock,
    unionpay: new UnionpaySandboxState(clock),
    contracts: new SandboxContracts(),
    chinaums: new ChinaumsSandboxState(clock),
  }
}
