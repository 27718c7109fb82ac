import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'

/** What this deployment can serve; the front end hides what cannot work. */
export function registerCapabilitiesRoute(app: FastifyInstance, ctx: AppContext, acpConfigured: boolean): void {
  app.get('/api/capabilities', async () => ({
    sandbox: ctx.config.sandbox,
    /** upsdk.pay by tn inside 云闪付 (全渠道 appTransReq; the built-in sandbox also issues tns). */
    inAppPay: acpConfigured || ctx.config.sandbox,
    /** Charging signed 无感支付 contracts through 全渠道. */
    contractCharging: acpConfigured,
    acp: acpConfigured,
    /** 银商 H5 channels. */
    chinaums: true,
  }))
}
