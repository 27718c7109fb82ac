import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'

/** OAuth2 联登, /api/me and the 用户授权解除通知 (issue 3). */
export async function registerOauthRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
