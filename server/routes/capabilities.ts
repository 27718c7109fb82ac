import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'

/** Which optional features this deployment built (composition root: `buildServices`). */
export interface ServedFeatures {
  /** 全渠道 (UNIONPAY_ACP_*). */
  acp: boolean
  /** 银联无跳转支付 (全渠道 + UNIONPAY_ACP_TR_ID). */
  nojump: boolean
  /** 预授权 on 无跳转 tokens (the same). */
  preauth: boolean
}

/** What this deployment can serve; the front end hides what cannot work. */
export function registerCapabilitiesRoute(app: FastifyInstance, ctx: AppContext, served: ServedFeatures): void {
  app.get('/api/capabilities', async () => ({
    sandbox: ctx.config.sandbox,
    /** upsdk.pay by tn inside 云闪付 (全渠道 appTransReq; the built-in sandbox also issues tns). */
    inAppPay: served.acp || ctx.config.sandbox,
    /** Charging signed 无感支付 contracts through 全渠道. */
    contractCharging: served.acp,
    acp: served.acp,
    /** 绑卡支付 (docs/nojump.md). */
    nojump: served.nojump,
    /** 预授权 on the 绑卡支付 page (docs/preauth.md). */
    preauth: served.preauth,
    /** 银商 H5 channels. */
    chinaums: true,
  }))
}
