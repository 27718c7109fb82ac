import type { FastifyInstance } from 'fastify'
import type { ApiHandler } from './api.ts'
import type { SandboxContext } from '../context.ts'

/** The 无感支付 sign page, contract.* APIs and the relieve notification (issue 4). */
export function registerSandboxContract(_app: FastifyInstance, _apis: Map<string, ApiHandler>, _ctx: SandboxContext): void {}
