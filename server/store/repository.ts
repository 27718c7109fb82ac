import type { Insertable } from 'kysely'
import { atomically, locksRows, within, type Db } from './kysely-db.ts'
import type { Tables } from './schema.ts'

/**
 * What the order repositories (银商 payments, 全渠道, 无跳转, 预授权) start from: the store, the clock, one
 * transaction that nested calls join, the query builder of the transaction open at the call, and
 * the status moves of their records, kept in `eventTable`.
 */
export abstract class Repository {
  protected abstract readonly eventTable: EventTable

  constructor(
    protected readonly db: Db,
    protected readonly clock: () => number,
  ) {}

  /** One transaction (nested calls join it). */
  atomic<T>(fn: () => Promise<T>): Promise<T> {
    return atomically(this.db, () => fn())
  }

  protected get q(): Db {
    return within(this.db)
  }

  /** The status moves of `subject` (an order id, or a 无跳转 binding id), oldest first. */
  events(subject: string): Promise<StatusEvent[]> {
    return eventsOf(this.q, this.eventTable, subject)
  }

  /** Records a status move of `subject`, in the transaction open at the call. */
  protected event(
    subject: string,
    fromStatus: string | null,
    toStatus: string,
    source: string,
    detail: string | null,
    at = this.clock(),
  ): Promise<void> {
    return recordEvent(this.q, this.eventTable, subject, { fromStatus, toStatus, source, detail, at })
  }
}

/** For `.$if(lockingRead(q), (qb) => qb.forUpdate())`: a read inside a transaction on PostgreSQL locks its rows. */
export function lockingRead(q: Db): boolean {
  return locksRows(q) && q.isTransaction
}

/** One status move of an order or a binding, as its events table keeps it. */
export interface StatusEvent {
  fromStatus: string | null
  toStatus: string
  source: string
  detail: string | null
  at: number
}

/** The events tables and the column that names what moved. */
const EVENT_SUBJECT = {
  acp_events: 'order_id',
  preauth_events: 'order_id',
  nojump_events: 'subject',
  pay_order_events: 'mer_order_id',
} as const
export type EventTable = keyof typeof EVENT_SUBJECT

/** Appends a status move of `subject` to `table` (inside the caller's transaction when one is open). */
async function recordEvent(q: Db, table: EventTable, subject: string, move: StatusEvent): Promise<void> {
  const row = {
    from_status: move.fromStatus,
    to_status: move.toStatus,
    source: move.source,
    detail: move.detail,
    at: move.at,
  }
  // the tables differ only in the name of the subject column
  const values = { ...row, [EVENT_SUBJECT[table]]: subject } as Insertable<Tables['acp_events']>
  await q
    .insertInto(table as 'acp_events')
    .values(values)
    .execute()
}

/** The status moves of `subject` in `table`, oldest first. */
async function eventsOf(q: Db, table: EventTable, subject: string): Promise<StatusEvent[]> {
  const rows = await q
    .selectFrom(table as 'acp_events')
    .select(['from_status', 'to_status', 'source', 'detail', 'at'])
    .where(EVENT_SUBJECT[table] as 'order_id', '=', subject)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    fromStatus: r.from_status,
    toStatus: r.to_status,
    source: r.source,
    detail: r.detail,
    at: Number(r.at),
  }))
}
