import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'

/** 无感支付 contract routes and the 解约结果通知 (issue 4). */
export async function registerContractRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
