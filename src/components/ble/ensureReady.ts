import { getUpsdkClient } from '@/upsdk/client'
import type { UpsdkGlobal } from '@/upsdk/types'

/**
 * Resolves with the configured upsdk for the current page URL (the kit's client loads upsdk,
 * signs and calls `upsdk.config` once per URL); rejects with the client's `UpsdkError` — e.g.
 * `not_in_app` outside 云闪付, or the config failure with its code.
 */
export async function ensureReady(): Promise<UpsdkGlobal> {
  return getUpsdkClient().ready()
}
