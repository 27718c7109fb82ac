import { ChinaumsError } from '../chinaums/errors.ts'
import { divisionProblems, h5PayUrl, type Good, type H5Channel, type H5OrderContent } from '../chinaums/h5.ts'
import { newMerOrderId } from '../chinaums/ids.ts'
import { requestTimestamp } from '../chinaums/time.ts'
import type { PayDeps } from './deps.ts'
import { PayInputError } from './errors.ts'
import type { Order, OrderDivision, OrderOwner } from './model.ts'
import { assertMayCreateOrder, UNPAID_WINDOW_MS } from './order-limits.ts'
import { FIRST_CHECK_AFTER_MS } from './schedule.ts'
import type { TnProvider } from './tn.ts'

/** H5 orders expire after this long (sent as `expireTime`); a NO_ORDER after it means never paid. */
export const ORDER_TTL_MS = 30 * 60_000

export interface CreateH5Input {
  amount: number
  channel: H5Channel
  goods?: Good[]
  orderDesc?: string
  secureTransaction?: boolean
  divisionFlag?: boolean
  platformAmount?: number
  subOrders?: Array<{ mid: string; totalAmount: number }>
}

/** Taking money: an H5 order (the signed cashier URL) or a tn order for `upsdk.pay`. */
export class Checkout {
  constructor(
    private readonly d: PayDeps,
    private readonly tn: TnProvider | null,
  ) {}

  get hasTnProvider(): boolean {
    return this.tn !== null
  }

  private get notifyUrl(): string {
    return `${this.d.config.publicBaseUrl}/notify/chinaums`
  }

  private get returnUrl(): string {
    return `${this.d.config.publicBaseUrl}/pay/return`
  }

  private async newId(): Promise<string> {
    // 7 random digits plus a millisecond clock make a clash unlikely; the PRIMARY KEY makes it impossible.
    for (;;) {
      const id = newMerOrderId(this.d.config.chinaums.sourceId, this.d.clock())
      if (!(await this.d.records.orders.get(id))) return id
    }
  }

  /** Refuses one more unpaid order from a client that already holds too many (order-limits.ts). */
  private async checkLimit(owner: OrderOwner | undefined): Promise<void> {
    if (owner)
      assertMayCreateOrder(
        await this.d.records.orders.countUnpaid(owner.clientKey, this.d.clock() - UNPAID_WINDOW_MS),
        this.d.config.maxUnpaidOrders,
      )
  }

  async createH5Order(
    input: CreateH5Input,
    owner?: OrderOwner,
  ): Promise<{ merOrderId: string; redirectUrl: string; order: Order }> {
    const { config, clock } = this.d
    if (input.divisionFlag) {
      // Seed 1.1 divisionFlag: "暂时只支持微信、支付宝支付和银联云闪付".
      if (input.channel === 'qmf') throw new PayInputError(['银联在线无卡（qmf）不支持分账（divisionFlag）'])
      if (input.platformAmount === undefined) throw new PayInputError(['分账时 platformAmount 必传'])
      const problems = divisionProblems(
        input.amount,
        {
          platformAmount: input.platformAmount,
          ...(input.subOrders ? { subOrders: input.subOrders } : {}),
          ...(input.goods ? { goods: input.goods } : {}),
        },
        input.secureTransaction === true,
      )
      if (problems.length) throw new PayInputError(problems)
    } else if (input.platformAmount !== undefined || input.subOrders !== undefined) {
      throw new PayInputError(['platformAmount / subOrders 只能在 divisionFlag 为 true 时上送'])
    }
    await this.checkLimit(owner)
    const now = clock()
    const merOrderId = await this.newId()
    const content: H5OrderContent = {
      requestTimestamp: requestTimestamp(now),
      merOrderId,
      mid: config.chinaums.mid,
      tid: config.chinaums.tid,
      instMid: 'H5DEFAULT',
      totalAmount: input.amount,
      notifyUrl: this.notifyUrl,
      returnUrl: this.returnUrl,
      expireTime: requestTimestamp(now + ORDER_TTL_MS),
      ...(input.orderDesc ? { orderDesc: input.orderDesc } : {}),
      ...(input.goods ? { goods: input.goods } : {}),
      ...(input.secureTransaction ? { secureTransaction: 'true' as const } : {}),
      ...(input.divisionFlag
        ? {
            divisionFlag: true as const,
            platformAmount: input.platformAmount ?? 0,
            ...(input.subOrders ? { subOrders: input.subOrders } : {}),
          }
        : {}),
    }
    const order = await this.d.records.orders.create({
      merOrderId,
      kind: 'h5',
      channel: input.channel,
      instMid: content.instMid,
      amount: input.amount,
      secure: input.secureTransaction === true,
      ...(input.orderDesc ? { description: input.orderDesc } : {}),
      ...(input.divisionFlag ? { division: orderDivision(input) } : {}),
      expiresAt: now + ORDER_TTL_MS,
      nextCheckAt: now + FIRST_CHECK_AFTER_MS,
      ...(owner ? { owner } : {}),
    })
    const redirectUrl = h5PayUrl(config.chinaums.baseUrl, input.channel, config.chinaums, content, now)
    return { merOrderId, redirectUrl, order }
  }

  /** Creates a tn order. A definite refusal closes it; an unknown outcome leaves it to reconciliation. */
  async createTnOrder(
    amount: number,
    description?: string,
    owner?: OrderOwner,
  ): Promise<{ orderId: string; tn: string }> {
    const provider = this.tn
    if (!provider) throw new ChinaumsError('uac/app-order', 'NO_SERVICE', 'no tn provider configured', 'rejected')
    await this.checkLimit(owner)
    const { orders } = this.d.records
    const now = this.d.clock()
    const merOrderId = await this.newId()
    await orders.create({
      merOrderId,
      kind: 'tn',
      channel: 'upsdk',
      instMid: provider.instMid,
      amount,
      ...(description ? { description } : {}),
      expiresAt: now + ORDER_TTL_MS,
      nextCheckAt: now + FIRST_CHECK_AFTER_MS,
      ...(owner ? { owner } : {}),
    })
    // A provider that settles its own orders (全渠道 notification/query) needs no 银商 status queries.
    if (provider.settlesOrders) this.d.records.checks.scheduleOrder(merOrderId, null, false)
    try {
      const { tn } = await provider.issue({ merOrderId, amount, notifyUrl: this.notifyUrl })
      await orders.setTn(merOrderId, tn)
      await orders.markSeen(merOrderId) // the platform issued the tn: it knows the order
      return { orderId: merOrderId, tn }
    } catch (err) {
      if (err instanceof ChinaumsError && !err.indeterminate) {
        await orders.transition(merOrderId, 'TRADE_CLOSED', 'tn', `tn refused: ${err.errCode}`)
      }
      throw err
    }
  }
}

function orderDivision(input: CreateH5Input): OrderDivision {
  const goodsMids = [...new Set((input.goods ?? []).flatMap((g) => (g.subMerchantId ? [g.subMerchantId] : [])))]
  return {
    platformAmount: input.platformAmount ?? 0,
    subOrders: input.subOrders ?? null,
    ...(goodsMids.length ? { goodsMids } : {}),
  }
}
