import { within, type Db } from './kysely-db.ts'

/**
 * Records that a notification was applied (`notify_receipts`, keyed by channel and replay key):
 * true for the first delivery, false for a replay. The primary key decides — also between
 * instances racing on the same delivery — so call it inside the transaction of the effect.
 */
export async function claimReceipt(db: Db, channel: string, replayKey: string, at: number): Promise<boolean> {
  const r = await within(db)
    .insertInto('notify_receipts')
    .values({ channel, replay_key: replayKey, received_at: at })
    .onConflict((oc) => oc.columns(['channel', 'replay_key']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0
}
