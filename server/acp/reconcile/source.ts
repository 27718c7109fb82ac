import type { LocalTxn } from './compare.ts'

/**
 * Where the reconciliation finds our transactions: one per feature that sends money
 * transactions to 全渠道 (orders/charges, token payments, pre-authorisations).
 */
export interface LocalSource {
  readonly name: string
  /** Sent in `[from, to)`, plus still-PENDING buyer-pays-later ones sent in `[laterFrom, from)`. */
  candidates(from: string, to: string, laterFrom: string): LocalTxn[]
  byOrderId(orderId: string): LocalTxn | null
  /** The file's verdict on a PENDING transaction; called inside the run's transaction. */
  settle(orderId: string, listed: { queryId: string } | null): void
}
