import type { FastifyInstance } from 'fastify'
import { registerSandboxAcp } from './gateway.ts'
import { sandboxAcpPki } from './pki.ts'
import { AcpSandboxState } from './state.ts'

export interface SandboxAcp {
  state: AcpSandboxState
  /** The upsdk stub's pay step for a 全渠道 tn (also reachable through the 银商 sandbox's /tn/pay). */
  payTn(tn: string, outcome: string): Promise<{ status: number; body: Record<string, unknown> }>
}

/** Mounts the 全渠道 sandbox gateway on `app` (register it under `/acp`). */
export function registerSandboxAcpGateway(app: FastifyInstance, clock: () => number, contractActive: (contractId: string) => boolean): SandboxAcp {
  const state = new AcpSandboxState(sandboxAcpPki(), clock)
  const { payTn } = registerSandboxAcp(app, { state, contractActive })
  return { state, payTn }
}
