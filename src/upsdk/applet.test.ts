import { describe, expect, it } from 'vitest'
import { appletAuth, whenPluginReady } from './applet'
import { createUpsdkStub } from './stub'

const UA = 'Mozilla/5.0 (Linux; Android 13) Chrome/120 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0)'

describe('小程序 web-view entry points', () => {
  it('appletAuth waits for pluginReady and answers the code, without config', async () => {
    const stub = createUpsdkStub({ userAgent: UA, getUrl: () => 'https://h5.example.com/', bridgeDelayMs: Infinity })
    const code = appletAuth({ upsdk: stub.upsdk })
    await new Promise((r) => setTimeout(r, 10))
    expect(stub.handle.calls).toEqual([])
    stub.handle.fireDeviceReady()
    await expect(code).resolves.toEqual({ code: expect.stringMatching(/^applet-/) })
    expect(stub.handle.calls.map((c) => c.method)).toEqual(['appletAuth'])
  })

  it('a bridge that never gets ready is an error, not a hang', async () => {
    const stub = createUpsdkStub({ userAgent: UA, getUrl: () => 'https://h5.example.com/', bridgeDelayMs: Infinity })
    await expect(whenPluginReady({ upsdk: stub.upsdk, timeoutMs: 20 })).rejects.toMatchObject({
      code: 'bridge_not_ready',
    })
    await expect(whenPluginReady({ upsdk: { config() {}, ready() {}, error() {} } })).rejects.toMatchObject({
      code: 'not_available',
    })
  })
})
