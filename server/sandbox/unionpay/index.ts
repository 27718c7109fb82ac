import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context.ts'
import { registerApiDispatcher, tokenApis, type ApiTable } from './api.ts'
import { contractApis, registerSandboxContract } from './contract/index.ts'
import { registerSandboxOauth, userApis } from './oauth.ts'
import { openApis, registerSandboxOpen } from './open/index.ts'
import { registerUpsdkVerify } from './upsdk-verify.ts'

/** Every back-end API of the simulated platform, by name. A new feature adds its table here. */
export const unionpayApis: ApiTable = { ...tokenApis, ...userApis, ...contractApis, ...openApis }

/** The simulated 云闪付开放平台, registered under `/sandbox/unionpay`. */
export function registerSandboxUnionpay(app: FastifyInstance, ctx: SandboxContext): void {
  registerSandboxOauth(app, ctx)
  registerSandboxContract(app, ctx)
  registerSandboxOpen(app, ctx)
  registerApiDispatcher(app, ctx, unionpayApis)
  registerUpsdkVerify(app, ctx.unionpay)
}
