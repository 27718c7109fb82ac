import { describe, expect, it } from 'vitest'
import { runtimeSettings } from './settings'

function page(json: string | null): Document {
  const doc = document.implementation.createHTMLDocument('t')
  if (json !== null) {
    const el = doc.createElement('script')
    el.id = 'upkit-settings'
    el.type = 'application/json'
    el.textContent = json
    doc.head.appendChild(el)
  }
  return doc
}

describe('runtimeSettings', () => {
  it('reads what the server injected', () => {
    expect(runtimeSettings(page('{"upsdkUrl":"https://cdn.example.com/upsdk.js","upsdkDebug":true}'))).toEqual({
      upsdkUrl: 'https://cdn.example.com/upsdk.js',
      upsdkDebug: true,
    })
  })

  it('falls back to the build-time default when nothing or nonsense was injected', () => {
    const fallback = { upsdkUrl: import.meta.env.VITE_UPSDK_URL, upsdkDebug: undefined }
    expect(runtimeSettings(page(null))).toEqual(fallback)
    expect(runtimeSettings(page('not json'))).toEqual(fallback)
    expect(runtimeSettings(page('{"upsdkUrl":"javascript:alert(1)","upsdkDebug":"yes"}'))).toEqual(fallback)
  })
})
