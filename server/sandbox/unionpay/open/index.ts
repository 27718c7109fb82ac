import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../../context.ts'
import type { ApiTable } from '../api.ts'
import { marketingApis } from './marketing.ts'
import { payPwdApis, postPayPwdNotification, registerPayPwdDevice } from './pay-password.ts'
import { serviceApis } from './services.ts'

/** 5.3 and 5.5–5.8: added to `unionpayApis` (unionpay/index.ts). */
export const openApis: ApiTable = { ...payPwdApis, ...serviceApis, ...marketingApis }

/**
 * The native side of `upsdk.verifyPayPwd` and `__control/open/*` (look inside, script failures);
 * the state is `ctx.open`.
 */
export function registerSandboxOpen(app: FastifyInstance, ctx: SandboxContext): void {
  const o = ctx.open
  registerPayPwdDevice(app, ctx, o)

  app.get('/__control/open', async () => ({
    payPwd: [...o.payPwd.values()],
    payPwdNotifications: o.payPwdNotifications,
    pushes: o.pushes,
    industryCards: [...o.industryCards.values()],
    accounts: Object.fromEntries(o.accounts),
    pools: Object.fromEntries([...o.pools].map(([k, v]) => [k, Object.fromEntries(v)])),
    activities: Object.fromEntries(o.activities),
  }))
  app.post<{ Body: { api?: unknown; resp?: unknown; msg?: unknown } }>(
    '/__control/open/fail-next',
    async (req, reply) => {
      const { api, resp, msg } = req.body ?? {}
      if (typeof api !== 'string' || !Object.hasOwn(openApis, api) || typeof resp !== 'string' || !resp)
        return reply.status(400).send({ error: 'api and resp required' })
      o.failNext.set(api, { resp, msg: typeof msg === 'string' ? msg : '' })
      return { ok: true }
    },
  )
  app.post<{ Body: { style?: unknown } }>('/__control/open/pay-pwd/key-style', async (req, reply) => {
    const style = req.body?.style
    if (style !== 'plain' && style !== 'spaced') return reply.status(400).send({ error: 'style is plain or spaced' })
    o.payPwdKeyStyle = style
    return { ok: true }
  })
  /** Sends the last notification of a transNo again, byte for byte (a replay). */
  app.post<{ Body: { transNo?: unknown } }>('/__control/open/pay-pwd/replay', async (req, reply) => {
    const last = [...o.payPwdNotifications].reverse().find((n) => n.transNo === req.body?.transNo)
    if (!last) return reply.status(404).send({ error: 'no notification for this transNo' })
    return postPayPwdNotification(ctx, o, last.transNo, last.url, last.body)
  })
  app.post<{ Body: { insAcctId?: unknown; balance?: unknown; status?: unknown } }>(
    '/__control/open/account',
    async (req, reply) => {
      const acct = typeof req.body?.insAcctId === 'string' ? o.accounts.get(req.body.insAcctId) : undefined
      if (!acct) return reply.status(404).send({ error: 'unknown insAcctId' })
      const { balance, status } = req.body ?? {}
      if (typeof balance === 'number' && Number.isInteger(balance) && balance >= 0) acct.balance = balance
      if (status === '0' || status === '1') acct.status = status
      return acct
    },
  )
  app.post<{ Body: { activityNumber?: unknown; budget?: unknown; prizes?: unknown } }>(
    '/__control/open/activity',
    async (req, reply) => {
      const a = typeof req.body?.activityNumber === 'string' ? o.activities.get(req.body.activityNumber) : undefined
      if (!a) return reply.status(404).send({ error: 'unknown activityNumber' })
      const { budget, prizes } = req.body ?? {}
      if (typeof budget === 'number' && Number.isInteger(budget) && budget >= 0) a.budget = budget
      if (Array.isArray(prizes) && prizes.length && prizes.every((p) => Number.isInteger(p))) {
        a.prizes = prizes as number[]
        a.next = 0
      }
      return a
    },
  )
  app.post<{ Body: { openId?: unknown } }>('/__control/open/push-opt-out', async (req) => {
    if (typeof req.body?.openId === 'string') o.pushOptOut.add(req.body.openId)
    return { ok: true }
  })
}
