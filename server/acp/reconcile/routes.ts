import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.ts'
import { notFound, unavailable } from '../../http/errors.ts'
import { isSettleDate } from './compare.ts'
import type { ReconcileService } from './service.ts'

const settleDate = z.string().refine(isSettleDate, '清算日期须为 YYYYMMDD 格式的日期')
const runBody = z.strictObject({ settleDate })
const dayParams = z.strictObject({ settleDate })

/**
 * Merchant routes of the 全渠道 reconciliation (docs/reconcile.md): run a settle day (the same
 * day twice returns the first report), list the days, one day's findings. 503 without 全渠道.
 */
export async function registerReconcileRoutes(
  root: FastifyInstance,
  _ctx: AppContext,
  reconcile: ReconcileService | null,
): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const admin = { admin: true, inputName: '清算日期' }
  if (!reconcile) {
    const off = async () => {
      throw unavailable('ACP_NOT_CONFIGURED', '未配置全渠道（UNIONPAY_ACP_*），没有对账文件')
    }
    app.post('/api/acp/reconciliations', { config: admin }, off)
    app.get('/api/acp/reconciliations', { config: admin }, off)
    app.get('/api/acp/reconciliations/:settleDate', { config: admin }, off)
    return
  }
  const r: ReconcileService = reconcile

  app.post('/api/acp/reconciliations', { config: admin, schema: { body: runBody } }, async (req) => {
    const { reconciliation, repeated } = await r.run(req.body.settleDate)
    return { repeated, reconciliation }
  })

  app.get('/api/acp/reconciliations', { config: admin }, async () => ({ reconciliations: r.repo.list() }))

  app.get('/api/acp/reconciliations/:settleDate', { config: admin, schema: { params: dayParams } }, async (req) => {
    const rec = r.repo.get(req.params.settleDate)
    if (!rec) throw notFound('RECON_NOT_FOUND', `清算日 ${req.params.settleDate} 尚未对账`)
    return rec
  })
}
