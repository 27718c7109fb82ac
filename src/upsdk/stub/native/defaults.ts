import type { PluginName } from '../../plugin-names'
import { showOverlay } from './overlay'

/** What an unscripted stub method does: answer, fail, or (monitorScreenShot) stay silent. */
export type DefaultOutcome = { answer?: unknown } | { fail: unknown } | { silent: true }

/** The simulated device the defaults read and change. */
export interface StubDevice {
  os: 'ios' | 'android' | 'other'
  brightness: number
  /** Set by stopAudioRecording / startVideoRecording: there is a file to read. */
  audioRecorded: boolean
  audioRecording: boolean
  videoRecorded: boolean
  closed: boolean
  title: string | undefined
}

export function newStubDevice(os: StubDevice['os']): StubDevice {
  return {
    os,
    brightness: 0.5,
    audioRecorded: false,
    audioRecording: false,
    videoRecorded: false,
    closed: false,
    title: undefined,
  }
}

const MAX_BUFFER = 512 * 1024
/** A 1×1 red PNG. */
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='

function fakeFile(name: string, size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (name.charCodeAt(i % name.length) + i) & 0xff
  return bytes
}

const FILES = {
  album: fakeFile('album.mp4', 3000),
  audio: fakeFile('audio.amr', 2500),
  video: fakeFile('video.mp4', 4000),
  faceVideo: fakeFile('face.mp4', 1500),
  faceImage: fakeFile('face.jpg', 1200),
}
export const ALBUM_URL = 'file:///upsdk-stub/album/demo.mp4'

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

/** `{data, isFinished}` for one chunk, with the spec's `{code:'00', msg:'参数错误'}` on bad sizes. */
function chunk(file: Uint8Array, params: Record<string, unknown>, whole = false): DefaultOutcome {
  const bufferSize = whole ? file.length : Number(params.bufferSize)
  const fromOffset = whole ? 0 : Number(params.fromOffset)
  if (
    !Number.isInteger(bufferSize) ||
    bufferSize <= 0 ||
    bufferSize > MAX_BUFFER ||
    !Number.isInteger(fromOffset) ||
    fromOffset < 0
  ) {
    return { fail: { code: '00', msg: '参数错误' } }
  }
  if (fromOffset > file.length) return { fail: { code: '00', msg: '参数错误' } }
  const end = Math.min(file.length, fromOffset + bufferSize)
  return { answer: { data: toBase64(file.subarray(fromOffset, end)), isFinished: end >= file.length ? '1' : '0' } }
}

const ok = (answer?: unknown): DefaultOutcome => ({ answer })

type DefaultHandler = (params: Record<string, unknown>, device: StubDevice, doc: Document) => DefaultOutcome

/**
 * Plausible native answers for every plugin, used when neither a test script nor a simulator
 * (BLE, HCE, pay) handles the plugin. Shapes follow the spec's examples; title and toast never
 * answer (UPSDK.md), they only change what the app shows.
 */
export const DEFAULT_HANDLERS: Record<PluginName | 'appletAuth', DefaultHandler> = {
  pay: () => ok(),
  addBankCard: () => ok(),
  setNavigationBarTitle: (p, d, doc) => {
    d.title = String(p.title)
    doc.title = d.title
    return { silent: true }
  },
  setNavigationBarRightButton: () => ok(),
  closeWebApp: (_p, d, doc) => {
    d.closed = true
    showOverlay(doc, 'closed', '云闪付已关闭此页面（模拟）')
    return ok()
  },
  showFlashInfo: (p, _d, doc) => {
    showOverlay(doc, 'toast', String(p.msg), 2000)
    return { silent: true }
  },
  scanQRCode: (_p, d) =>
    d.os === 'ios' ? ok({ value: 'https://upkit.example/qr/demo' }) : ok('https://upkit.example/qr/demo'),
  chooseImage: () => ok({ base64: PNG_1PX, type: 'png' }),
  getLocationCity: () => ok({ cityCd: '310100' }),
  verifyPayPwd: () => ok(),
  getLocationGps: (_p, d) =>
    d.os === 'ios'
      ? ok({ latitude: 31.23958, longitude: 121.499763 })
      : ok(JSON.stringify({ latitude: '31.23958', longitude: '121.499763' })),
  showSharePopup: () => ok(),
  chooseFileFromAlbum: (p) => {
    const max = Number(p.maxSize)
    if (!Number.isFinite(max) || max <= 0 || !['00', '01', '02'].includes(String(p.sourceType)))
      return { fail: { code: '00', msg: '参数错误' } }
    if (FILES.album.length > max) return { fail: { code: '03', msg: '用户选择的文件超过最大值' } }
    return ok({ url: ALBUM_URL, size: String(FILES.album.length), filename: 'demo.mp4' })
  },
  readAlbumData: (p) =>
    p.url === ALBUM_URL ? chunk(FILES.album, p) : { fail: { code: '04', msg: '其他错误：文件不存在' } },
  startAudioRecording: (p, d) => {
    if (!(Number(p.maxTime) > 0)) return { fail: { code: '00', msg: '参数错误' } }
    d.audioRecording = true
    return ok()
  },
  stopAudioRecording: (_p, d) => {
    if (d.audioRecording) d.audioRecorded = true
    d.audioRecording = false
    return ok()
  },
  readAudioRecordingData: (p, d) =>
    d.audioRecorded ? chunk(FILES.audio, p) : { fail: { code: '04', msg: '其他错误：没有录音文件' } },
  startVideoRecording: (p, d) => {
    if (!(Number(p.maxTime) > 0)) return { fail: { code: '00', msg: '参数错误' } }
    d.videoRecorded = true
    return ok()
  },
  readVideoRecordingData: (p, d) =>
    d.videoRecorded ? chunk(FILES.video, p) : { fail: { code: '04', msg: '其他错误：没有视频文件' } },
  readFaceVideoData: () => chunk(FILES.faceVideo, {}, true),
  readFaceImageData: () => chunk(FILES.faceImage, {}, true),
  getScreenBrightness: (_p, d) => ok({ brightness: String(d.brightness) }),
  setScreenBrightness: (p, d) => {
    const b = Number(p.brightness)
    if (!Number.isFinite(b) || b < 0 || b > 1) return { fail: { code: '00', msg: '参数错误' } }
    d.brightness = Math.round(b * 10) / 10
    return ok({ brightness: String(d.brightness) })
  },
  monitorScreenShot: () => ({ silent: true }),
  navi: () => ok(),
  openBluetoothAdapter: () => ok({ isSupportBLE: 'yes' }),
  closeBluetoothAdapter: () => ok(),
  getBluetoothAdapterState: () => ok({ available: 'yes', discovering: 'no' }),
  startBluetoothDevicesDiscovery: () => ok(),
  stopBluetoothDevicesDiscovery: () => ok(),
  getBluetoothDevices: () => ok({ devices: [] }),
  connectBLEDevice: () => ({ fail: { code: '10002', msg: '没有找到指定设备' } }),
  disconnectBLEDevice: () => ok(),
  getConnectedBluetoothDevices: () => ok({ devices: [] }),
  getBLEDeviceServices: () => ok({ services: [] }),
  getBLEDeviceCharacteristics: () => ok({ characteristics: [] }),
  writeBLECharacteristicValue: () => ok(),
  readBLECharacteristicValue: (p) =>
    ok({ characteristic: { characteristicId: p.characteristicId, serviceId: p.serviceId, value: '' } }),
  notifyBLECharacteristicValueChange: () => ok(),
  registerBluetoothDeviceFound: () => ok(),
  cancelBluetoothDeviceFound: () => ok(),
  registerBLEConnectionStateChange: () => ok(),
  cancelBLEConnectionStateChange: () => ok(),
  registerBLECharacteristicValueChange: () => ok(),
  cancelBLECharacteristicValueChange: () => ok(),
  registerBluetoothAdapterStateChange: () => ok(),
  cancelBluetoothAdapterStateChange: () => ok(),
  openBluetoothSetting: () => ok(),
  getHCEState: () => ok({ code: '0000', msg: 'ok' }),
  startHCE: () => ok({ code: '0000', msg: 'ok' }),
  stopHCE: () => ok({ code: '0000', msg: 'ok' }),
  onHCEMessage: () => ok({ code: '0000', msg: 'ok' }),
  sendHCEMessage: () => ok({ code: '0000', msg: 'ok', data: '' }),
  openNFCSetting: () => ok(),
  // a 云闪付小程序 web-view's authorisation code (public pages read `data.code`)
  appletAuth: () => ok({ code: `applet-${Math.random().toString(36).slice(2, 10)}` }),
}
