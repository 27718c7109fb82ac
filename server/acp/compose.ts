import type { AppContext } from '../context.ts'
import { IllegalTransitionError, OrderStore } from '../pay/orders.ts'
import { ContractApi } from '../unionpay/contract.ts'
import { AcpClient } from './client.ts'
import { EncryptCerts } from './encrypt.ts'
import { AcpRepo } from './repo.ts'
import { AcpService } from './service.ts'
import { AcpVerifier } from './verify.ts'

/** Builds the 全渠道 feature from the context; null when UNIONPAY_ACP_* is not configured. */
export function buildAcp(ctx: AppContext): AcpService | null {
  const cfg = ctx.config.acp
  if (!cfg) return null
  const verifier = new AcpVerifier(cfg.trust, { allowTestCn: cfg.allowTestCn, clock: ctx.clock })
  const encryptCerts = new EncryptCerts(cfg.encryptCert)
  const client = new AcpClient({ baseUrl: cfg.baseUrl, merId: cfg.merId, identity: cfg.identity, verifier, encryptCerts, timeoutMs: cfg.timeoutMs, clock: ctx.clock })
  const contracts = new ContractApi({ client: ctx.unionpay, tokens: ctx.tokens, appId: ctx.config.unionpay.appId })
  const payOrders = new OrderStore(ctx.db, ctx.clock)
  return new AcpService({
    config: cfg,
    repo: new AcpRepo(ctx.db, ctx.clock),
    client,
    verifier,
    encryptCerts,
    backUrl: `${ctx.config.publicBaseUrl}/notify/unionpay/acp`,
    appId: ctx.config.unionpay.appId,
    clock: ctx.clock,
    log: ctx.log,
    userOwes: async (openId) => (await contracts.status({ openId })).owing,
    onTnSettled: (payOrderId, _status, detail) => {
      try {
        payOrders.transition(payOrderId, 'TRADE_SUCCESS', 'acp', detail)
      } catch (e) {
        if (!(e instanceof IllegalTransitionError)) throw e
        // Paid through 全渠道 while the pay order is closed here: money is taken, a person must look.
        ctx.log.error({ payOrderId, from: e.from }, 'acp tn paid for a pay order that cannot move to TRADE_SUCCESS — check it by hand')
      }
    },
  })
}
