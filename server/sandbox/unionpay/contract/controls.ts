import type { FastifyInstance } from 'fastify'
import { escapeHtml } from '../../../http/html.ts'
import type { SandboxContext } from '../../context.ts'
import { relieveNotificationParams, sendNotification } from './notify.ts'
import { maskOpenId, page } from './pages.ts'
import { SANDBOX_PLANS } from './state.ts'

/**
 * `/__control/contract*`: act "from the 云闪付 side" (relieve and notify, unfinished orders,
 * scripted failures, permission) and look inside — for tests and the demo.
 */
export function registerContractControls(app: FastifyInstance, ctx: SandboxContext): void {
  const s = ctx.contracts
  const state = ctx.unionpay

  const relieveFromCloudpay = async (contractId: string, method: 'GET' | 'POST') => {
    const c = s.contracts.get(contractId)
    if (!c) return null
    if (c.status === '1') {
      c.status = '3'
      c.relievedAt = ctx.clock()
      c.relievedBy = 'cloudpay'
    }
    const params = relieveNotificationParams(c, ctx.clock(), ctx.rsaPrivateKeyPem)
    return { contract: c, notification: await sendNotification(ctx, c, params, method) }
  }

  const listContracts = () =>
    [...s.contracts.values()].map((c) => ({
      contractId: c.contractId,
      contractCodes: c.contractCodes,
      openId: c.openId,
      planId: c.planId,
      contractStatus: c.status,
      signedAt: c.signedAt,
      relievedAt: c.relievedAt,
      relievedBy: c.relievedBy,
    }))

  app.get('/__control/contracts', async () => ({ contracts: listContracts(), notifications: s.notifications }))

  app.post<{ Body: { contractId?: unknown; method?: unknown } }>('/__control/contract/relieve', async (req, reply) => {
    const b = (req.body ?? {}) as { contractId?: unknown; method?: unknown }
    if (typeof b.contractId !== 'string')
      return reply.status(400).send({ error: { code: 'INVALID_INPUT', message: 'contractId 必填' } })
    const method = b.method === 'POST' ? 'POST' : 'GET'
    const r = await relieveFromCloudpay(b.contractId, method)
    if (!r) return reply.status(404).send({ error: { code: 'NO_CONTRACT', message: '沙箱中没有这个 contractId' } })
    return { contractId: r.contract.contractId, contractStatus: r.contract.status, notification: r.notification }
  })

  app.post<{ Body: { openId?: unknown; enable?: unknown } }>('/__control/contract/unfinished', async (req, reply) => {
    const b = (req.body ?? {}) as { openId?: unknown; enable?: unknown }
    if (typeof b.openId !== 'string' || (typeof b.enable !== 'string' && typeof b.enable !== 'number')) {
      return reply.status(400).send({ error: { code: 'INVALID_INPUT', message: 'openId 与 enable 必填' } })
    }
    s.unfinished.set(b.openId, String(b.enable))
    return { ok: true }
  })

  app.post<{ Body: { api?: unknown; resp?: unknown; msg?: unknown } }>(
    '/__control/contract/fail-next',
    async (req, reply) => {
      const b = (req.body ?? {}) as { api?: unknown; resp?: unknown; msg?: unknown }
      if (typeof b.api !== 'string' || !b.api.startsWith('contract.') || typeof b.resp !== 'string') {
        return reply.status(400).send({ error: { code: 'INVALID_INPUT', message: 'api（contract.*）与 resp 必填' } })
      }
      s.failNext.set(b.api, { resp: b.resp, msg: typeof b.msg === 'string' ? b.msg : '沙箱脚本化失败' })
      return { ok: true }
    },
  )

  app.post<{ Body: { permitted?: unknown } }>('/__control/contract/permission', async (req) => {
    s.permitted = (req.body as { permitted?: unknown } | undefined)?.permitted !== false
    return { permitted: s.permitted }
  })

  // A phone-sized "云闪付-设置-支付设置-无感支付" page for demos: relieve from the 云闪付 side.
  app.get('/__control/contract', async (_req, reply) => {
    const rows = listContracts()
      .filter((c) => c.contractStatus === '1')
      .map((c) => {
        const plan = SANDBOX_PLANS.find((p) => p.planId === c.planId)
        const user = state.users.get(c.openId)
        return `<div class="card"><h1>${escapeHtml(plan?.title ?? c.planId)}</h1>
<div class="row"><span>用户</span><span>${escapeHtml(user?.nickName ?? maskOpenId(c.openId))}</span></div>
<div class="row"><span>协议号</span><code>${escapeHtml(c.contractId)}</code></div>
<form method="post" action="contract/relieve-form"><input type="hidden" name="contractId" value="${escapeHtml(c.contractId)}">
<button class="btn ghost" type="submit">在云闪付侧解约</button></form></div>`
      })
      .join('')
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
    return page(
      '无感支付管理',
      `<header>云闪付 · 设置 · 无感支付</header><div class="sbx">沙箱 · 模拟云闪付 App 内的解约入口</div>${
        rows || '<div class="card muted">没有已签约的无感支付</div>'
      }`,
    )
  })

  app.post<{ Body: { contractId?: string } }>('/__control/contract/relieve-form', async (req, reply) => {
    const id = (req.body as { contractId?: string } | undefined)?.contractId
    if (typeof id === 'string') await relieveFromCloudpay(id, 'GET')
    return reply.redirect('../contract', 303)
  })
}
