import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context.ts'
import { registerAcpGateway } from './gateway.ts'

/** Mounts the 全渠道 gateway (register it under `/acp`); its state is `ctx.acp`. */
export async function registerSandboxAcp(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  registerAcpGateway(app, { state: ctx.acp, contractActive: (id) => ctx.contracts.contracts.get(id)?.status === '1' })
}
