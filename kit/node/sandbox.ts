/**
 * `upkit/sandbox`: the simulated 云闪付开放平台, 银商 and 全渠道 gateways on a loopback port, for a
 * merchant's tests and dev server. Never import it from production code.
 */
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import Fastify from 'fastify'
import type { AddressInfo } from 'node:net'
import { SANDBOX_CHINAUMS, SANDBOX_UNIONPAY, sandboxRsaKeyPair } from '../../server/sandbox/credentials.ts'
import type { SandboxContext } from '../../server/sandbox/context.ts'
import { registerSandbox } from '../../server/sandbox/index.ts'
import { signAsPlatform } from '../../server/sandbox/crypto/open-platform.ts'
import { sandboxSign } from '../../server/sandbox/acp/crypto.ts'
import { SANDBOX_ACP_MER_ID } from '../../server/sandbox/acp/pki.ts'
import type { SentNotification } from '../../server/sandbox/unionpay/contract/state.ts'
import { relieveNotificationParams, sendNotification } from '../../server/sandbox/unionpay/contract/notify.ts'

export type { SandboxContext, SentNotification }

export interface StartSandboxOptions {
  /** Where the sandbox sends notifications (`${appBaseUrl}/notify/...`); can be set later with `setAppBaseUrl`. @default 'http://127.0.0.1' */
  appBaseUrl?: string
  /** @default 0 (a free port) */
  port?: number
  /** Loopback only: the sandbox's credentials are public. @default '127.0.0.1' */
  host?: '127.0.0.1' | 'localhost' | '::1'
}

export interface SandboxKeys {
  unionpay: {
    appId: string
    secret: string
    /** 3DES key, hex */
    symmetricKey: string
    /** upPublicKey, base64 SPKI DER: verifies the sandbox's notifications */
    publicKey: string
  }
  chinaums: typeof SANDBOX_CHINAUMS
  /** The 全渠道 merchant and the sandbox's own root and middle certificates (PEM): `acp` of the server options. */
  acp: { merId: string; rootCert: string; middleCert: string }
}

export interface RunningSandbox {
  /** `http://127.0.0.1:PORT/sandbox`: the upsdk stub's `sandboxBase` when the page can reach it. */
  url: string
  /** The origins to configure the server with (`unionpay.baseUrl`, 银商 and 全渠道 clients). */
  urls: { unionpay: string; chinaums: string; acp: string; console: string }
  keys: SandboxKeys
  /** The same as environment variables of the demo server (CONTRACT.md names). */
  env: Record<string, string>
  controls: {
    /** Signs notification fields as the 开放平台 does (appendix 5), returning them with `signature`. */
    signUnionpayNotification(fields: Record<string, string>): Record<string, string>
    /** Sends a 解约结果通知 (5.4.3) for this openId and contractId to `${appBaseUrl}/notify/unionpay/contract`. */
    notifyContractRelieved(input: {
      openId: string
      contractId: string
      method?: 'GET' | 'POST'
    }): Promise<SentNotification>
    /**
     * Signs 全渠道 notification fields as the sandbox gateway does (5.1.0, `signMethod` 01, its
     * UnionPay signing certificate in `signPubKeyCert`), returning them with `signature`.
     */
    signAcpNotification(fields: Record<string, string>): Record<string, string>
    /** Every token the app holds stops working (as after a long outage). */
    expireTokens(): void
    /** Another system with the same appId fetched a frontToken: the app's gets a20. */
    rotateFrontToken(): void
    /** The 开放平台 APIs called so far, oldest first. */
    calls(): Array<{ api: string; at: number; resp: string }>
  }
  /** Everything the simulated platforms hold (orders, contracts, users …), for deeper assertions. */
  context: SandboxContext
  setAppBaseUrl(url: string): void
  close(): Promise<void>
}

/** Starts the simulated platforms on a loopback port: `const sandbox = await startSandbox()`. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1'
  const app = Fastify({ logger: false })
  await app.register(fastifyCookie)
  await app.register(fastifyFormbody)
  let ctx: SandboxContext | undefined
  let base = ''
  await app.register(
    async (scope) => {
      ctx = await registerSandbox(scope, {
        appBaseUrl: options.appBaseUrl ?? 'http://127.0.0.1',
        // corrected once the port is known: only links on its pages use it
        sandboxBaseUrl: 'http://127.0.0.1/sandbox',
      })
    },
    { prefix: '/sandbox' },
  )
  await app.listen({ port: options.port ?? 0, host })
  const { port } = app.server.address() as AddressInfo
  const origin = `http://${host === '::1' ? '[::1]' : host}:${port}`
  base = `${origin}/sandbox`
  if (!ctx) throw new Error('sandbox did not register')
  const context: SandboxContext = ctx
  context.sandboxBaseUrl = base
  const keys: SandboxKeys = {
    unionpay: {
      appId: SANDBOX_UNIONPAY.appId,
      secret: SANDBOX_UNIONPAY.secret,
      symmetricKey: SANDBOX_UNIONPAY.symmetricKey,
      publicKey: sandboxRsaKeyPair().publicKeyDer,
    },
    chinaums: SANDBOX_CHINAUMS,
    acp: { merId: SANDBOX_ACP_MER_ID, rootCert: context.acp.pki.rootPem, middleCert: context.acp.pki.middlePem },
  }
  const urls = {
    unionpay: `${base}/unionpay`,
    chinaums: `${base}/chinaums`,
    acp: `${base}/acp`,
    console: `${base}/`,
  }
  return {
    url: base,
    urls,
    keys,
    env: {
      UNIONPAY_OPEN_BASE_URL: urls.unionpay,
      UNIONPAY_APP_ID: keys.unionpay.appId,
      UNIONPAY_SECRET: keys.unionpay.secret,
      UNIONPAY_SYMMETRIC_KEY: keys.unionpay.symmetricKey,
      UNIONPAY_PUBLIC_KEY: keys.unionpay.publicKey,
      CHINAUMS_BASE_URL: urls.chinaums,
      CHINAUMS_APP_ID: keys.chinaums.appId,
      CHINAUMS_APP_KEY: keys.chinaums.appKey,
      CHINAUMS_MD5_KEY: keys.chinaums.md5Key,
      CHINAUMS_MID: keys.chinaums.mid,
      CHINAUMS_TID: keys.chinaums.tid,
      CHINAUMS_SOURCE_ID: keys.chinaums.sourceId,
    },
    controls: {
      signUnionpayNotification: (fields) => ({
        ...fields,
        signature: signAsPlatform(fields, context.rsaPrivateKeyPem),
      }),
      notifyContractRelieved: ({ openId, contractId, method = 'POST' }) => {
        const now = context.clock()
        const c = { appId: keys.unionpay.appId, openId, contractId, relievedAt: now }
        return sendNotification(context, c, relieveNotificationParams(c, now, context.rsaPrivateKeyPem), method)
      },
      signAcpNotification: (fields) => {
        const signed = { signMethod: '01', ...fields, signPubKeyCert: context.acp.pki.signCertPem }
        return { ...signed, signature: sandboxSign(signed, context.acp.pki.signKeyPem) }
      },
      expireTokens: () => {
        context.unionpay.backendToken = null
        context.unionpay.frontToken = null
      },
      rotateFrontToken: () => void context.unionpay.issueToken('front'),
      calls: () => context.unionpay.calls.map((c) => ({ api: c.api, at: c.at, resp: c.resp })),
    },
    context,
    setAppBaseUrl: (url) => {
      context.appBaseUrl = url.replace(/\/+$/, '')
    },
    close: () => app.close(),
  }
}
