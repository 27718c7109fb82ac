import type { FastifyInstance } from 'fastify'
import { registerSandboxChinaums } from './chinaums/index.ts'
import { registerSandboxConsole } from './console.ts'
import { createSandboxContext, type SandboxContext, type SandboxOptions } from './context.ts'
import { registerTokenControls } from './unionpay/controls.ts'
import { registerSandboxUnionpay } from './unionpay/index.ts'

export type { SandboxOptions } from './context.ts'

/**
 * The simulated 云闪付开放平台 (under /unionpay) and 银商 gateway (under /chinaums), plus
 * `/__control/*` endpoints that tests and the demo use to look inside and to act "from the
 * platform side". Register with a prefix (`/sandbox`); never mounted when SANDBOX=0.
 */
export async function registerSandbox(app: FastifyInstance, options: SandboxOptions): Promise<SandboxContext> {
  const ctx = createSandboxContext(options)
  await app.register(async (scope) => registerSandboxUnionpay(scope, ctx), { prefix: '/unionpay' })
  await app.register(async (scope) => registerSandboxChinaums(scope, ctx), { prefix: '/chinaums' })
  registerTokenControls(app, ctx)
  registerSandboxConsole(app, ctx)
  return ctx
}
