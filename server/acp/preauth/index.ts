import type { AppContext } from '../../context.ts'
import type { AcpClient } from '../client.ts'
import type { AcpConfig } from '../config.ts'
import type { NojumpRepo } from '../nojump/repo.ts'
import type { AcpRepo } from '../repo.ts'
import type { AcpVerifier } from '../verify.ts'
import { PreauthClient } from './client.ts'
import { PreauthRepo } from './repo.ts'
import { PreauthService } from './service.ts'

/** 预授权 on the 无跳转 tokens of `bindings`, on the shared 全渠道 client; needs the token requestor id. */
export function buildPreauth(
  ctx: AppContext,
  p: { cfg: AcpConfig; client: AcpClient; verifier: AcpVerifier; repo: AcpRepo },
  bindings: NojumpRepo,
): PreauthService | null {
  if (!p.cfg.trId) return null
  return new PreauthService({
    repo: new PreauthRepo(ctx.db, ctx.clock),
    client: new PreauthClient(p.client, p.cfg.trId),
    bindings,
    verifier: p.verifier,
    notifications: p.repo,
    merId: p.cfg.merId,
    backUrl: `${ctx.config.publicBaseUrl}/notify/unionpay/acp/preauth`,
    maxRatio: p.cfg.preauthMaxRatio,
    queryLeaseMs: p.cfg.timeoutMs + 30_000,
    clock: ctx.clock,
    log: ctx.log,
  })
}
