import type { AppContext } from '../../context.ts'
import type { AcpService } from '../service.ts'
import { acpSource } from './acp-source.ts'
import { ReconcileRepo } from './repo.ts'
import { ReconcileService } from './service.ts'
import type { LocalSource } from './source.ts'

/** The reconciliation of the 全渠道 merchant that `acp` is configured for; more sources join as features add them. */
export function buildReconcile(ctx: AppContext, acp: AcpService, more: readonly LocalSource[] = []): ReconcileService {
  return new ReconcileService({
    repo: new ReconcileRepo(ctx.db),
    client: acp.client,
    fileBaseUrl: acp.config.fileBaseUrl,
    merId: acp.config.merId,
    sources: [acpSource(acp.repo, acp), ...more],
    clock: ctx.clock,
    log: ctx.log,
  })
}
