import type { UpsdkClient } from 'upkit/upsdk'
import { mirrorStyleElements } from './adoptStyles'
import { remember } from './debugMode'
import { wrapUpsdkForLog, type UpsdkCallEntry } from './upsdkCallLog'

const TAG = '[upsdk]'

function logEntry(e: UpsdkCallEntry, phase: 'call' | 'answer'): void {
  if (phase === 'call') console.info(TAG, `${e.method} →`, e.params)
  else if (e.outcome === 'success') console.info(TAG, `${e.method} ✓`, e.answer)
  else console.warn(TAG, `${e.method} ✗`, e.answer)
}

let started = false

/**
 * Loads eruda (bundled, its own chunk: nothing is fetched unless asked) and logs the kit's upsdk
 * calls and state changes into its console. Idempotent.
 */
export async function startDebugConsole(client?: UpsdkClient): Promise<void> {
  if (started) return
  started = true
  const { default: eruda } = await import('eruda')
  mirrorStyleElements()
  // no shadow DOM: its <style> elements must be visible to the mirror in the document
  eruda.init({ tool: ['console', 'network', 'elements', 'resources', 'info'], useShadowDom: false })
  console.info(TAG, '调试控制台已开启（?debug=0 关闭）')
  const wrap = () => {
    const upsdk = window.upsdk as unknown as Record<string | symbol, unknown> | undefined
    if (upsdk) wrapUpsdkForLog(upsdk, logEntry)
  }
  wrap()
  if (client) {
    let last = ''
    const onState = () => {
      const { status, error } = client.state
      const line = `${status}${error ? ` ${error.code}` : ''}`
      if (line === last) return
      last = line
      if (error) console.warn(TAG, `状态 ${status}：${error.message}（${error.code}）`)
      else console.info(TAG, `状态 ${status}`)
      wrap()
    }
    onState()
    client.subscribe(onState)
  }
}

/** The 沙箱工具 toggle: on for this tab from now on. */
export function enableDebugConsole(client?: UpsdkClient): void {
  remember('1')
  void startDebugConsole(client)
}

export function isDebugConsoleStarted(): boolean {
  return started
}
