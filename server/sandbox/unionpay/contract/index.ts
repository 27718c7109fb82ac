import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../../context.ts'
import { registerContractControls } from './controls.ts'
import { registerContractPages } from './pages.ts'

export { contractApis } from './api.ts'

/** 无感支付 (issue 4): the sign page and the controls; the contract.* APIs are `contractApis`. */
export function registerSandboxContract(app: FastifyInstance, ctx: SandboxContext): void {
  registerContractPages(app, ctx)
  registerContractControls(app, ctx)
}
