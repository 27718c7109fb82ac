import type { SandboxAcp } from './acp/index.ts'
import type { UnionpaySandboxState } from './unionpay/state.ts'

export interface SandboxContext {
  unionpay: UnionpaySandboxState
  /** The app server's public origin: notifications are POSTed to `${appBaseUrl}/notify/...`. */
  appBaseUrl: string
  /** The sandbox's own public base (`${PUBLIC_BASE_URL}/sandbox`), for links on its pages. */
  sandboxBaseUrl: string
  /** PEM of the sandbox platform's RSA private key (signs notifications). */
  rsaPrivateKeyPem: string
  clock: () => number
  /** The 全渠道 gateway, set when it is mounted. */
  acp?: SandboxAcp
}
