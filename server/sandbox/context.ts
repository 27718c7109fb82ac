import { sandboxAcpPki } from './acp/pki.ts'
import { AcpSandboxState } from './acp/state.ts'
import { ChinaumsSandboxState } from './chinaums/state.ts'
import { sandboxRsaKeyPair } from './credentials.ts'
import { SandboxContracts } from './unionpay/contract/state.ts'
import { partnerKeyFromPem } from './crypto/partner.ts'
import { SandboxOpenApis } from './unionpay/open/state.ts'
import { SandboxTraffic } from './traffic.ts'
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
  /** 全渠道 gateway: transactions, controls, encryption keys (its PKI is made once per process). */
  acp: AcpSandboxState
  /** 云闪付开放平台 5.3 / 5.5–5.8: pay-password orders, pushes, cards, red-packet accounts, lottery pools. */
  open: SandboxOpenApis
  /** The last requests to all three platforms, for the console. */
  traffic: SandboxTraffic
}

export interface SandboxOptions {
  appBaseUrl: string
  sandboxBaseUrl: string
  clock?: () => number
  /** The partner's RSA public key (PEM) the platform has on file (3.1 后台加解密公钥), for the RSA-signed 5.8 APIs. */
  partnerPublicKeyPem?: string | undefined
}

export function createSandboxContext(options: SandboxOptions): SandboxContext {
  const clock = options.clock ?? Date.now
  const unionpay = new UnionpaySandboxState(clock)
  return {
    appBaseUrl: options.appBaseUrl,
    sandboxBaseUrl: options.sandboxBaseUrl,
    rsaPrivateKeyPem: sandboxRsaKeyPair().privateKeyPem,
    clock,
    unionpay,
    contracts: new SandboxContracts(),
    chinaums: new ChinaumsSandboxState(clock),
    acp: new AcpSandboxState(sandboxAcpPki(), clock),
    open: new SandboxOpenApis(
      options.partnerPublicKeyPem ? partnerKeyFromPem(options.partnerPublicKeyPem) : null,
      unionpay.app.symmetricKey,
    ),
    traffic: new SandboxTraffic(),
  }
}
