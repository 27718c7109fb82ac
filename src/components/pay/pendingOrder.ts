/**
 * The order whose payment is under way, kept for the tab (sessionStorage) from the moment it is
 * created until its result is known: a reload in the pay sheet, or back from the cashier, finds it.
 */
export interface PendingOrder {
  merOrderId: string
  /** 分 */
  amount: number
  channel: string
  /** epoch ms */
  at: number
}

const KEY = 'upkit.pendingOrder'
/** Older than this it is history, not a payment in progress. @see readPendingOrder */
const MAX_AGE_MS = 30 * 60_000

function storage(): Storage | null {
  try {
    return sessionStorage
  } catch {
    return null // private mode or no DOM
  }
}

export function rememberPendingOrder(o: PendingOrder, store = storage()): void {
  try {
    store?.setItem(KEY, JSON.stringify(o))
  } catch {
    /* full or refused: the result page still has the order in its URL */
  }
}

function readStored(store: Storage | null): PendingOrder | null {
  let v: unknown
  try {
    v = JSON.parse(store?.getItem(KEY) ?? 'null')
  } catch {
    return null
  }
  if (typeof v !== 'object' || v === null) return null
  const o = v as Record<string, unknown>
  if (typeof o.merOrderId !== 'string' || typeof o.amount !== 'number' || typeof o.channel !== 'string') return null
  if (typeof o.at !== 'number') return null
  return { merOrderId: o.merOrderId, amount: o.amount, channel: o.channel, at: o.at }
}

/** The remembered order, or null when none, unreadable or older than 30 minutes at `now`. */
export function readPendingOrder(now = Date.now(), store = storage()): PendingOrder | null {
  const o = readStored(store)
  return o && now - o.at <= MAX_AGE_MS && o.at <= now + 60_000 ? o : null
}

/** Forgets the remembered order (only `merOrderId` when given: another payment may have started since). */
export function forgetPendingOrder(merOrderId?: string, store = storage()): void {
  if (merOrderId !== undefined && readStored(store)?.merOrderId !== merOrderId) return
  try {
    store?.removeItem(KEY)
  } catch {
    /* nothing to do */
  }
}
