import type { FastifyInstance } from 'fastify'
import { sandboxRsaKeyPair } from './credentials.ts'
import type { SandboxContext } from './context.ts'
import { registerSandboxChinaums } from './chinaums/index.ts'
import { registerSandboxConsole } from './console.ts'
import { coreApis, registerApiDispatcher, type ApiHandler } from './unionpay/api.ts'
import { registerSandboxContract } from './unionpay/contract.ts'
import { registerSandboxOauth } from './unionpay/oauth.ts'
import { registerSandboxOpenApis } from './unionpay/open-index.ts'
import { UnionpaySandboxState } from './unionpay/state.ts'
import { registerUpsdkVerify } from './unionpay/upsdk-verify.ts'

export interface SandboxOptions {
  appBaseUrl: string
  sandboxBaseUrl: string
  clock?: () => number
  /** The partner's RSA public key (PEM) the platform has on file, for the RSA-signed 5.8 APIs. */
  partnerPublicKeyPem?: string | undefined
}

/**
 * The simulated 云闪付开放平台 (under /unionpay) and 银商 gateway (under /chinaums), plus
 * `/__control/*` endpoints that tests and the demo use to look inside and to act "from the
 * platform side". Register with a prefix (`/sandbox`); never mounted when SANDBOX=0.
 */
export async function registerSandbox(app: FastifyInstance, options: SandboxOptions): Promise<SandboxContext> {
  const clock = options.clock ?? Date.now
  const ctx: SandboxContext = {
    unionpay: new UnionpaySandboxState(clock),
    appBaseUrl: options.appBaseUrl,
    sandboxBaseUrl: options.sandboxBaseUrl,
    rsaPrivateKeyPem: sandboxRsaKeyPair().privateKeyPem,
    clock,
  }
  const apis = new Map<string, ApiHandler>(Object.entries(coreApis))

  await app.register(
    async (unionpay) => {
      registerSandboxOauth(unionpay, apis, ctx)
      registerSandboxContract(unionpay, apis, ctx)
      registerSandboxOpenApis(unionpay, apis, ctx, options.partnerPublicKeyPem)
      registerApiDispatcher(unionpay, ctx.unionpay, apis)
      registerUpsdkVerify(unionpay, ctx.unionpay)
    },
    { prefix: '/unionpay' },
  )
  await app.register(async (chinaums) => registerSandboxChinaums(chinaums, ctx), { prefix: '/chinaums' })

  app.get('/__control/unionpay/calls', async () => ({
    calls: ctx.unionpay.calls.map((c) => ({ api: c.api, at: c.at, resp: c.resp })),
  }))
  app.post<{ Querystring: { back?: string } }>('/__control/unionpay/expire-tokens', async (req, reply) => {
    ctx.unionpay.backendToken = null
    ctx.unionpay.frontToken = null
    if (req.query.back) return reply.redirect(`${options.sandboxBaseUrl}/`)
    return { ok: true }
  })
  /** "Another system with the same appId fetched a new frontToken": ours stops working (a20). */
  app.post('/__control/unionpay/rotate-front-token', async () => {
    ctx.unionpay.issueToken('front')
    return { ok: true }
  })
  registerSandboxConsole(app, ctx)
  return ctx
}
