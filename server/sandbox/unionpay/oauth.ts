import type { FastifyInstance } from 'fastify'
import type { ApiHandler } from './api.ts'
import type { SandboxContext } from '../context.ts'

/** OAuth2 authorize pages, user.mobile / user.auth and the auth-revoke notification (issue 3). */
export function registerSandboxOauth(_app: FastifyInstance, _apis: Map<string, ApiHandler>, _ctx: SandboxContext): void {}
