import { beforeAll, describe, expect, it, vi } from 'vitest'
import { UpsdkError } from './errors'
import * as plugins from './plugins'
import { normaliseGps, normaliseScanResult, PLUGIN_NAMES, type PluginOptions } from './plugins'
import { ALBUM_URL } from './stub/native/defaults'
import { createUpsdkStub } from './stub'
import type { UpsdkGlobal } from './types'

const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0)'
const IOS_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 (com.unionpay.mobilepay) (cordova 4.5.4) (updebug 0)'
const okFetch = (async () => Response.json({ ok: true })) as unknown as typeof fetch

async function configuredStub(userAgent = ANDROID_UA) {
  const stub = createUpsdkStub({ userAgent, getUrl: () => 'https://h5.example.com/', fetch: okFetch })
  await new Promise<void>((resolve) => {
    stub.upsdk.config({ appId: 'a', timestamp: '1', nonceStr: 'n', signature: 's' })
    stub.upsdk.ready(resolve)
  })
  return stub
}

let android: Awaited<ReturnType<typeof configuredStub>>
let o: PluginOptions
beforeAll(async () => {
  android = await configuredStub()
  o = { upsdk: android.upsdk }
})

describe('typed plugins against the stub defaults', () => {
  it('lists the 53 plugins of 6.1', () => {
    expect(PLUGIN_NAMES).toHaveLength(53)
    expect(new Set(PLUGIN_NAMES).size).toBe(53)
  })

  it('answers every non-BLE/HCE plugin with a typed value', async () => {
    await expect(plugins.pay({ tn: '201711211436231234567' }, o)).resolves.toBeUndefined()
    await expect(plugins.chooseImage({ sourceType: 3 }, o)).resolves.toMatchObject({ type: 'png' })
    await expect(plugins.setNavigationBarTitle('标题', o)).resolves.toBeUndefined()
    expect(android.handle.device.title).toBe('标题')
    await expect(plugins.scanQRCode({}, o)).resolves.toBe('https://upkit.example/qr/demo')
    await expect(plugins.addBankCard({}, o)).resolves.toBeUndefined()
    await expect(plugins.showFlashInfo('绑定银行卡成功', o)).resolves.toBeUndefined()
    expect(document.querySelector('[data-upsdk-stub="toast"]')?.textContent).toBe('绑定银行卡成功')
    await expect(plugins.getLocationCity(o)).resolves.toBe('310100')
    await expect(plugins.verifyPayPwd({ transNo: 't', bizType: 'b' }, o)).resolves.toBeUndefined()
    await expect(plugins.getLocationGps(o)).resolves.toEqual({ latitude: 31.23958, longitude: 121.499763 })
    await expect(
      plugins.showSharePopup({ title: 't', desc: 'd', shareUrl: 'https://youhui.95516.com' }, o),
    ).resolves.toBeUndefined()
    const file = await plugins.chooseFileFromAlbum({ maxSize: 1024 * 1024, sourceType: '02' }, o)
    expect(file).toEqual({ url: ALBUM_URL, size: 3000, filename: 'demo.mp4' })
    const whole = await plugins.readWholeFile((p) => plugins.readAlbumData({ url: file.url, ...p }, o), {
      bufferSize: 999,
    })
    expect(atob(whole)).toHaveLength(3000)
    await plugins.startAudioRecording({ maxTime: 10 }, o)
    await plugins.stopAudioRecording(o)
    await expect(plugins.readAudioRecordingData({ bufferSize: 4096, fromOffset: 0 }, o)).resolves.toMatchObject({
      isFinished: true,
    })
    await plugins.startVideoRecording({ maxTime: 5 }, o)
    await expect(plugins.readVideoRecordingData({ bufferSize: 3000, fromOffset: 3000 }, o)).resolves.toMatchObject({
      isFinished: true,
    })
    await expect(plugins.readFaceVideoData(o)).resolves.toMatchObject({ isFinished: true })
    await expect(plugins.readFaceImageData(o)).resolves.toMatchObject({ isFinished: true })
    await expect(plugins.setScreenBrightness(0.8, o)).resolves.toBe(0.8)
    await expect(plugins.getScreenBrightness(o)).resolves.toBe(0.8)
    await expect(
      plugins.navi({ sLat: 31.2, sLon: 121.4, sName: '起点', dLat: '39.9', dLon: '116.3', dName: '终点' }, o),
    ).resolves.toBeUndefined()
    await expect(plugins.closeWebApp(o)).resolves.toBeUndefined()
    expect(android.handle.device.closed).toBe(true)
  })

  it('normalises the iOS shapes of scanQRCode and getLocationGps', async () => {
    const ios = await configuredStub(IOS_UA)
    await expect(plugins.scanQRCode({}, { upsdk: ios.upsdk })).resolves.toBe('https://upkit.example/qr/demo')
    await expect(plugins.getLocationGps({ upsdk: ios.upsdk })).resolves.toEqual({
      latitude: 31.23958,
      longitude: 121.499763,
    })
  })

  it('setNavigationBarRightButton: the click handler runs on rightbtnclick until stopped', async () => {
    const onClick = vi.fn()
    const stop = await plugins.setNavigationBarRightButton({ title: '分享' }, onClick, o)
    android.handle.tapRightButton()
    expect(onClick).toHaveBeenCalledTimes(1)
    stop()
    android.handle.tapRightButton()
    expect(onClick).toHaveBeenCalledTimes(1)
  })

  it('monitorScreenShot: calls back on each screenShotAction, once each', async () => {
    const onShot = vi.fn()
    const stop = plugins.monitorScreenShot(onShot, o)
    await new Promise((r) => setTimeout(r, 5))
    android.handle.screenshot()
    android.handle.screenshot()
    expect(onShot).toHaveBeenCalledTimes(2)
    stop()
    android.handle.screenshot()
    expect(onShot).toHaveBeenCalledTimes(2)
  })

  it('maps native {code,msg} failures', async () => {
    const err = await plugins.chooseFileFromAlbum({ maxSize: 10, sourceType: '00' }, o).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: '03', source: 'native', message: '用户选择的文件超过最大值' })
  })
})

describe('parameters are validated before the bridge', () => {
  const bridge = vi.fn()
  const upsdk: UpsdkGlobal = new Proxy({ config: bridge, ready: bridge, error: bridge } as UpsdkGlobal, {
    get: (t, k) => (k in t ? t[k as string] : bridge),
  })
  const v = { upsdk }

  it.each([
    ['pay without tn', () => plugins.pay({ tn: '' }, v)],
    ['verifyPayPwd without bizType', () => plugins.verifyPayPwd({ transNo: 't', bizType: '' }, v)],
    ['right button without title or image', () => plugins.setNavigationBarRightButton({}, () => undefined, v)],
    [
      'right button with a relative image',
      () => plugins.setNavigationBarRightButton({ image: '/a.png' }, () => undefined, v),
    ],
    ['scanQRCode with an unknown scanType', () => plugins.scanQRCode({ scanType: ['x' as 'qrCode'] }, v)],
    ['showFlashInfo with no text', () => plugins.showFlashInfo('  ', v)],
    [
      'share to a javascript: URL',
      () => plugins.showSharePopup({ title: 't', desc: 'd', shareUrl: 'javascript:alert(1)' }, v),
    ],
    ['chooseImage sourceType 4', () => plugins.chooseImage({ sourceType: 4 as 3 }, v)],
    [
      'chooseFileFromAlbum sourceType 03',
      () => plugins.chooseFileFromAlbum({ maxSize: 1, sourceType: '03' as '00' }, v),
    ],
    [
      'readAlbumData bufferSize over 512 KB',
      () => plugins.readAlbumData({ url: 'u', bufferSize: 512 * 1024 + 1, fromOffset: 0 }, v),
    ],
    [
      'readAudioRecordingData negative offset',
      () => plugins.readAudioRecordingData({ bufferSize: 10, fromOffset: -1 }, v),
    ],
    ['startAudioRecording without maxTime', () => plugins.startAudioRecording({ maxTime: 0 }, v)],
    ['startVideoRecording fractional maxTime', () => plugins.startVideoRecording({ maxTime: 1.5 }, v)],
    ['setScreenBrightness 1.5', () => plugins.setScreenBrightness(1.5, v)],
    ['navi latitude 91', () => plugins.navi({ sLat: 91, sLon: 0, sName: 'a', dLat: 0, dLon: 0, dName: 'b' }, v)],
    ['navi without dName', () => plugins.navi({ sLat: 1, sLon: 0, sName: 'a', dLat: 0, dLon: 0, dName: '' }, v)],
  ])('%s', async (_name, run) => {
    const err = await run().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UpsdkError)
    expect(err).toMatchObject({ code: 'invalid_params', source: 'validation' })
    expect(bridge).not.toHaveBeenCalled()
  })
})

describe('answer normalisation', () => {
  it('scanQRCode: string or {value}', () => {
    expect(normaliseScanResult('abc')).toBe('abc')
    expect(normaliseScanResult({ value: 'abc' })).toBe('abc')
    expect(() => normaliseScanResult({ other: 1 })).toThrow(UpsdkError)
  })
  it('getLocationGps: object, JSON string, "lng,lat" string', () => {
    expect(normaliseGps({ latitude: '31.1', longitude: '121.5' })).toEqual({ latitude: 31.1, longitude: 121.5 })
    expect(normaliseGps('{"latitude":31.1,"longitude":121.5}')).toEqual({ latitude: 31.1, longitude: 121.5 })
    expect(normaliseGps('121.5,31.1')).toEqual({ latitude: 31.1, longitude: 121.5 })
    expect(() => normaliseGps('{bad')).toThrow(/JSON/)
    expect(() => normaliseGps({ latitude: 200, longitude: 1 })).toThrow(UpsdkError)
  })
  it('rejects malformed answers with bad_answer', async () => {
    const stub = await configuredStub()
    stub.handle.script('getLocationCity', { answer: 'shanghai' })
    stub.handle.script('chooseImage', { answer: {} })
    stub.handle.script('readFaceImageData', { answer: { data: 'x', isFinished: 'maybe' } })
    for (const p of [
      plugins.getLocationCity({ upsdk: stub.upsdk }),
      plugins.chooseImage({}, { upsdk: stub.upsdk }),
      plugins.readFaceImageData({ upsdk: stub.upsdk }),
    ]) {
      await expect(p).rejects.toMatchObject({ code: 'bad_answer' })
    }
  })
})
