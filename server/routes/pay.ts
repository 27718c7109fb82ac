import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'

/** 银商 H5 pay, tn pay, orders, the 银商 notify and return page (issue 5). */
export async function registerPayRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
