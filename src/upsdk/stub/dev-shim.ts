/**
 * TEMPORARY (remove once the stub core lands): when a dev/sandbox build has no `window.upsdk`
 * yet, install a minimal upsdk with only the BLE and HCE simulators, and expose their handles as
 * `window.__upsdkStub.ble` / `.hce` the way the stub core will. Imported only by
 * `src/components/ble/ensureReady.ts` and only when VITE_UPSDK_URL is `stub`.
 */
import { createMiniUpsdk } from '../bluetooth/miniHost'
import { installBle } from './ble'
import { installHce } from './hce'

export function installDevShim(): void {
  const w = window as unknown as { upsdk?: unknown; __upsdkStub?: Record<string, unknown> }
  if (w.upsdk) return
  const { upsdk, host } = createMiniUpsdk()
  const ble = installBle(host)
  const hce = installHce(host)
  window.upsdk = upsdk
  w.__upsdkStub = { ...(w.__upsdkStub ?? {}), ble, hce, calls: host.calls, devShim: true }
}
