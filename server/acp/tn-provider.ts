import { ChinaumsError } from '../chinaums/errors.ts'
import type { TnProvider, TnRequest } from '../pay/tn.ts'
import type { AcpService } from './service.ts'

/**
 * The 全渠道 tn provider for `POST /api/pay/tn`: an appTransReq consume whose orderId is the pay
 * order's merOrderId. The pay order settles only through the 全渠道 notification or query
 * (AcpService.settle → onTnSettled), so the pay feature does not query 银商 for it.
 * Errors are reported in the pay feature's error type so that its rules apply unchanged: a
 * refusal closes the order, an unknown outcome leaves it to the 全渠道 queries.
 */
export class AcpTnProvider implements TnProvider {
  readonly name = 'acp'
  readonly instMid = 'ACP'
  readonly settlesOrders = true

  constructor(private readonly acp: AcpService) {}

  async issue(req: TnRequest): Promise<{ tn: string }> {
    const r = await this.acp.issueTn(req.merOrderId, req.amount)
    if ('tn' in r) return r
    if ('refused' in r)
      throw new ChinaumsError(
        'acp/appTransReq',
        `ACP_${r.refused.respCode}`,
        `全渠道：${r.refused.respMsg}`,
        'rejected',
      )
    throw new ChinaumsError('acp/appTransReq', 'TIMEOUT', `全渠道结果不明：${r.unknown}`, 'indeterminate')
  }
}
