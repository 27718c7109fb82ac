import type { FastifyInstance } from 'fastify'
import { registerSandboxAcp } from './acp/index.ts'
import { registerSandboxChinaums } from './chinaums/index.ts'
import { registerSandboxConsole } from './console.ts'
import { registerLeaveByReplace } from './leave.ts'
import { registerTrafficLog } from './traffic.ts'
import { createSandboxContext, type SandboxContext, type SandboxOptions } from './context.ts'
import { registerTokenControls } from './unionpay/controls.ts'
import { registerSandboxUnionpay } from './unionpay/index.ts'

export type { SandboxOptions } from './context.ts'

/**
 * The simulated 云闪付开放平台 (under /unionpay), 银商 gateway (under /chinaums) and 全渠道 gateway (under /acp), plus
 * `/__control/*` endpoints that tests and the demo use to look inside and to act "from the
 * platform side". Register with a prefix (`/sandbox`); never mounted when SANDBOX=0.
 */
export async function registerSandbox(app: FastifyInstance, options: SandboxOptions): Promise<SandboxContext> {
  const ctx = createSandboxContext(options)
  // the log first: it records the platform's own redirect before a script-sent POST gets it as JSON
  registerTrafficLog(app, ctx.traffic, ctx.clock)
  registerLeaveByReplace(app)
  await app.register(async (scope) => registerSandboxUnionpay(scope, ctx), { prefix: '/unionpay' })
  await app.register(async (scope) => registerSandboxChinaums(scope, ctx), { prefix: '/chinaums' })
  await app.register(async (scope) => registerSandboxAcp(scope, ctx), { prefix: '/acp' })
  registerTokenControls(app, ctx)
  registerSandboxConsole(app, ctx)
  return ctx
}
