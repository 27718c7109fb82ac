import { ACP_PATHS, type AcpAnswer, type AcpClient, type OrderRef } from '../client.ts'
import { TOKEN_BIZ_TYPE, tokenPayData } from '../nojump/fields.ts'

/** The original a void or completion acts on, by its queryId; the amount rules are in rules.ts. */
export type FollowUp = OrderRef & { txnAmt: number; origQryId: string; backUrl: string }

/**
 * 预授权 on a 无跳转 token (back end, bizType 000902): hold 02/01, hold void 32/00, completion
 * 03/00, completion void 33/00. Sources: docs/preauth.md.
 */
export class PreauthClient {
  constructor(
    private readonly acp: AcpClient,
    readonly trId: string,
  ) {}

  txnTime(): string {
    return this.acp.txnTime()
  }

  private back(fields: Record<string, string>): Promise<AcpAnswer> {
    return this.acp.call(ACP_PATHS.back, { bizType: TOKEN_BIZ_TYPE, channelType: '08', currencyCode: '156', ...fields })
  }

  /** 预授权 (02/01): holds `txnAmt` on the token's card. */
  hold(p: OrderRef & { token: string; txnAmt: number; backUrl: string }): Promise<AcpAnswer> {
    return this.back({
      txnType: '02',
      txnSubType: '01',
      orderId: p.orderId,
      txnTime: p.txnTime,
      txnAmt: String(p.txnAmt),
      backUrl: p.backUrl,
      tokenPayData: tokenPayData({ trId: this.trId, token: p.token }),
    })
  }

  private followUp(txnType: '32' | '03' | '33', p: FollowUp): Promise<AcpAnswer> {
    return this.back({
      txnType,
      txnSubType: '00',
      orderId: p.orderId,
      txnTime: p.txnTime,
      txnAmt: String(p.txnAmt),
      origQryId: p.origQryId,
      backUrl: p.backUrl,
    })
  }

  /** 预授权撤销 (32/00): the hold's full amount. */
  voidHold(p: FollowUp): Promise<AcpAnswer> {
    return this.followUp('32', p)
  }

  /** 预授权完成 (03/00): `origQryId` is the hold's. */
  complete(p: FollowUp): Promise<AcpAnswer> {
    return this.followUp('03', p)
  }

  /** 预授权完成撤销 (33/00): the completion's full amount; the hold stands again. */
  voidCompletion(p: FollowUp): Promise<AcpAnswer> {
    return this.followUp('33', p)
  }

  query(p: OrderRef): Promise<AcpAnswer> {
    return this.acp.query(p)
  }
}
