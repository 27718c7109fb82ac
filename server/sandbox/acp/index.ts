import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context.ts'
import { fileTransferRoutes } from './file/transfer.ts'
import { registerAcpGateway } from './gateway.ts'
import { nojumpBackHandler } from './nojump/back.ts'
import { registerNojumpControls } from './nojump/controls.ts'
import { registerNojumpFront } from './nojump/front.ts'
import { preauthBackHandler } from './preauth/back.ts'

/** Mounts the 全渠道 gateway (register it under `/acp`); its state is `ctx.acp`. */
export async function registerSandboxAcp(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  registerAcpGateway(app, {
    state: ctx.acp,
    contractActive: (id) => ctx.contracts.contracts.get(id)?.status === '1',
    backHandlers: [nojumpBackHandler(), preauthBackHandler()],
    extraRoutes: [
      registerNojumpControls,
      registerNojumpFront,
      fileTransferRoutes((t) => (t.token ? ctx.acp.nojump.tokens.get(t.token)?.pan : undefined)),
    ],
  })
}
