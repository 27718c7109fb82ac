import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config.ts'
import { safeEqual } from '../crypto/signing.ts'
import { adminOpenWithoutToken } from '../sandbox-mode.ts'
import { forbidden } from './errors.ts'

/**
 * Whether a request may use the merchant actions: open in the sandbox (never against a real
 * gateway) unless ADMIN_TOKEN is set; otherwise the `X-Admin-Token` header must equal it
 * (constant-time compare).
 */
export function checkAdmin(req: FastifyRequest, config: Config): void {
  if (!config.adminToken) {
    if (adminOpenWithoutToken(config)) return
    throw forbidden('ADMIN_DISABLED', '未配置 ADMIN_TOKEN，商户操作（订单列表、退款、关单）已关闭')
  }
  const given = req.headers['x-admin-token']
  if (typeof given !== 'string' || !safeEqual(given, config.adminToken))
    throw forbidden('ADMIN_TOKEN_REQUIRED', '需要商户管理令牌（X-Admin-Token）')
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Merchant action: the admin hook checks the token before anything else runs. */
    admin?: boolean
  }
}

/**
 * The admin check as one hook: every route declared with `config: { admin: true }` needs the
 * merchant token, checked on request (before the body is parsed or validated).
 */
export function registerAdminCheck(app: FastifyInstance, config: Config): void {
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.routeOptions.config.admin !== true) return done()
    try {
      checkAdmin(req, config)
    } catch (err) {
      return done(err as Error)
    }
    done()
  })
}
