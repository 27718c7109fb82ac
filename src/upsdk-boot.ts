import { UPSDK_READY_MARK } from '@common/starter'
import { createUpsdkClient, setUpsdkClient } from 'upkit/upsdk'
import { fetchSignatureWithStarter } from '@/upsdk-start'

/**
 * The page's second entry (index.html, before the app's): it imports no framework, so it runs as
 * soon as its own small chunk is in, while Vue and the app still download and start. It creates
 * the page's upsdk client (the app's Vue plugin takes this one) and, inside 云闪付, configures
 * at once: Zepto and upsdk.js are already preloaded and the signature is on its way (the inline
 * starter), so `upsdk.config` never waits for the app to mount.
 */
const client = createUpsdkClient({ fetchSignature: fetchSignatureWithStarter })
setUpsdkClient(client)

/**
 * Settles when the first config has been answered (either way), at once outside 云闪付, and after
 * `capMs` at the latest: main.ts starts the app then, so the app's start-up work (the longest
 * tasks of the page on a slow phone) does not hold up upsdk's few short steps in the queue.
 */
export function firstConfigSettled(capMs: number): Promise<void> {
  if (!client.env.inApp) return Promise.resolve()
  return Promise.race([
    client.ready().then(
      () => undefined,
      () => undefined, // the app shows the error and offers 重试
    ),
    new Promise<void>((resolve) => setTimeout(resolve, capMs)),
  ])
}

if (client.env.inApp) {
  client.ready().then(
    () => performance.mark?.(UPSDK_READY_MARK),
    () => undefined,
  )
}
