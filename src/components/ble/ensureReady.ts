import { UpsdkError } from '@/upsdk/errors'
import type { UpsdkGlobal } from '@/upsdk/types'

/**
 * Resolves with `window.upsdk` once `upsdk.config` has succeeded.
 *
 * INTEGRATOR: replace the body with the kit's readiness (`useUpsdk()`), and drop the dev-shim
 * branch once the stub core installs the BLE/HCE simulators itself.
 */
export async function ensureReady(timeoutMs = 8000): Promise<UpsdkGlobal> {
  if (import.meta.env.VITE_UPSDK_URL === 'stub' && !window.upsdk) {
    const { installDevShim } = await import('@/upsdk/stub/dev-shim')
    installDevShim()
  }
  const upsdk = window.upsdk
  if (!upsdk) throw new UpsdkError('not_available', '未检测到 upsdk：请在云闪付 App 内打开本页', 'environment')
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new UpsdkError('timeout', 'upsdk 初始化超时：请确认页面在云闪付内打开且 upsdk.config 已成功', 'timeout', undefined, 'config')),
      timeoutMs,
    )
    // upsdk.error has a single slot owned by whoever calls config, so only ready() is used here
    upsdk.ready(() => {
      clearTimeout(timer)
      resolve()
    })
  })
  return upsdk
}
