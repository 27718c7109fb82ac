import type { FastifyInstance } from 'fastify'
import type { GatewayTools } from '../gateway.ts'
import { maskPan, TEST_CARDS } from './cards.ts'

/**
 * The sandbox's "phone" and card list for demos and tests: the last SMS code sent for an
 * orderId (what the buyer would read on their phone) and the test cards to open.
 */
export function registerNojumpControls(app: FastifyInstance, tools: GatewayTools): void {
  const nj = tools.state.nojump
  app.get('/nojump/sms/:orderId', async (req, reply) => {
    const sms = nj.latestSms((req.params as { orderId: string }).orderId)
    if (!sms) return reply.status(404).send({ error: 'NO_SMS', message: '该订单没有发送过验证码' })
    return { code: sms.code, phone: `${sms.phone.slice(0, 3)}****${sms.phone.slice(-4)}`, purpose: sms.purpose }
  })
  app.get('/nojump/cards', async () => ({
    cards: TEST_CARDS.map((c) => ({
      pan: c.pan,
      masked: maskPan(c.pan),
      kind: c.kind,
      bank: c.bank,
      phone: c.phone,
      cvn2: c.cvn2 ?? null,
      expired: c.expired ?? null,
      balance: c.balance,
    })),
  }))
}
