import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context.ts'

/** The simulated 银商 gateway: H5 cashier pages, OPEN-BODY-SIG APIs, notifies (issue 5). */
export async function registerSandboxChinaums(_app: FastifyInstance, _ctx: SandboxContext): Promise<void> {}
