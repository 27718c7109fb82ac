import { ensureZepto } from '@/upsdk/loader'
import { installUpsdkStub, type InstalledUpsdkStub, type UpsdkStubOptions } from '@/upsdk/stub/index'
import type { UpsdkGlobal } from '@/upsdk/types'

/**
 * One call that puts the stand-in into the page: loads Zepto when neither Zepto nor jQuery is
 * there (upsdk.js needs one of them), then defines `window.cordova`, `window.upsdk` and the
 * scripting handle `window.__upsdkStub`. Call it before the app's first `upsdk.config`; the
 * kit's loader then finds `window.upsdk` and loads nothing.
 */
export async function installStub(
  options: UpsdkStubOptions = {},
): Promise<{ upsdk: UpsdkGlobal; handle: InstalledUpsdkStub }> {
  await ensureZepto()
  return installUpsdkStub(options)
}
