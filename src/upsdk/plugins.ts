import { callUpsdk } from './call'
import { getUpsdkClient, type PluginCallOptions, type UpsdkClient } from './client'
import { asUpsdkError, UpsdkError } from './errors'
import type { UpsdkGlobal } from './types'

export { ALL_PLUGIN_NAMES, EXTRA_PLUGIN_NAMES, PLUGIN_NAMES, type PluginName } from './plugin-names'

/** How a plugin function reaches the bridge. */
export interface PluginOptions {
  /** Call this (already configured) upsdk object directly. @default the shared client, which configures first */
  upsdk?: UpsdkGlobal
  /** @default getUpsdkClient() */
  client?: Pick<UpsdkClient, 'call'>
  /** @default 15000 */
  timeoutMs?: number
}

/** Plugins the spec documents without callbacks resolve once nothing failed within this time. */
const FIRE_AND_FORGET_MS = 300

function invoke<T>(
  method: string,
  params: Record<string, unknown>,
  options: PluginOptions,
  extra: PluginCallOptions = {},
): Promise<T> {
  const callOptions: PluginCallOptions = { ...extra }
  if (options.timeoutMs !== undefined) callOptions.timeoutMs = options.timeoutMs
  if (options.upsdk) return callUpsdk<T>(method, params, { ...callOptions, upsdk: options.upsdk })
  return (options.client ?? getUpsdkClient()).call<T>(method, params, callOptions)
}

// ---- validation of parameters (before the bridge) and answers (after it) ----

function invalid(method: string, message: string, value?: unknown): UpsdkError {
  return new UpsdkError('invalid_params', `${method}：${message}`, 'validation', value, method)
}
function badAnswer(method: string, message: string, raw: unknown): UpsdkError {
  return new UpsdkError('bad_answer', `${method} 的应答格式不正确：${message}`, 'native', raw, method)
}
function requireText(method: string, name: string, value: unknown, maxLength = 512): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(method, `${name} 必填`, value)
  if (value.length > maxLength) throw invalid(method, `${name} 过长（最多 ${maxLength} 个字符）`, value)
  return value
}
function optionalText(method: string, name: string, value: unknown, maxLength = 512): string | undefined {
  if (value === undefined || value === '') return undefined
  return requireText(method, name, value, maxLength)
}
function requireInt(method: string, name: string, value: unknown, min: number, max: number): string {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(method, `${name} 必须是 ${min}–${max} 之间的整数`, value)
  }
  return String(n)
}
function coordinate(method: string, name: string, value: unknown, limit: number): string {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > limit)
    throw invalid(method, `${name} 必须是 ±${limit} 以内的数字`, value)
  return String(value)
}
function httpUrl(method: string, name: string, value: unknown): string {
  const text = requireText(method, name, value, 2048)
  let u: URL
  try {
    u = new URL(text)
  } catch {
    throw invalid(method, `${name} 必须是完整的 http(s) 地址`, value)
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw invalid(method, `${name} 必须是完整的 http(s) 地址`, value)
  return text
}
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
function toNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

// ---- 6.3 pay ----

export interface PayParams {
  /** 交易流水号 (Ticket Number) from 全渠道. */
  tn: string
}
/**
 * 6.3: pays a tn in the app's 支付控件. Rejects with the app's `{msg}` as an UpsdkError: cancel and
 * failure look alike, so ask the server for the order status either way.
 */
export async function pay(params: PayParams, options: PluginOptions = {}): Promise<void> {
  const tn = requireText('pay', 'tn', params.tn, 64)
  await invoke('pay', { tn }, options, { timeoutMs: options.timeoutMs ?? 0 })
}

// ---- 6.4 chooseImage ----

export interface ChooseImageParams {
  /** @default 500 */
  maxWidth?: number | string
  /** @default 1000 */
  maxHeight?: number | string
  /** 1 camera only, 2 album only, 3 both. @default 3 */
  sourceType?: 1 | 2 | 3 | '1' | '2' | '3'
}
export interface ChosenImage {
  /** The image, base64 encoded. */
  base64: string
  /** jpg | png | gif, when the app says. */
  type?: string
}
export async function chooseImage(params: ChooseImageParams = {}, options: PluginOptions = {}): Promise<ChosenImage> {
  const m = 'chooseImage'
  const sent: Record<string, unknown> = {
    maxWidth: params.maxWidth === undefined ? undefined : requireInt(m, 'maxWidth', params.maxWidth, 1, 10000),
    maxHeight: params.maxHeight === undefined ? undefined : requireInt(m, 'maxHeight', params.maxHeight, 1, 10000),
    sourceType: params.sourceType === undefined ? undefined : requireInt(m, 'sourceType', params.sourceType, 1, 3),
  }
  const answer = await invoke<unknown>(m, sent, options, { timeoutMs: options.timeoutMs ?? 0 })
  if (!isRecord(answer) || typeof answer.base64 !== 'string' || answer.base64 === '')
    throw badAnswer(m, '缺少 base64', answer)
  const image: ChosenImage = { base64: answer.base64 }
  if (typeof answer.type === 'string' && answer.type) image.type = answer.type
  return image
}

// ---- 6.5 / 6.6 navigation bar ----

export async function setNavigationBarTitle(title: string, options: PluginOptions = {}): Promise<void> {
  const t = requireText('setNavigationBarTitle', 'title', title, 64)
  await invoke('setNavigationBarTitle', { title: t }, options, { optimisticAfterMs: FIRE_AND_FORGET_MS })
}

export interface RightButtonParams {
  /** Text of the button; wins over `image` when both are given. */
  title?: string
  /** Absolute URL of the button image. */
  image?: string
}
/**
 * 6.6: shows the navigation bar's right button; `onClick` runs on each tap (the app raises
 * `rightbtnclick`). Resolves with a function that stops `onClick` from running.
 */
export async function setNavigationBarRightButton(
  params: RightButtonParams,
  onClick: () => void,
  options: PluginOptions = {},
): Promise<() => void> {
  const m = 'setNavigationBarRightButton'
  const title = optionalText(m, 'title', params.title, 16)
  const image = params.image === undefined || params.image === '' ? undefined : httpUrl(m, 'image', params.image)
  if (!title && !image) throw invalid(m, 'title 和 image 至少填一个')
  if (typeof onClick !== 'function') throw invalid(m, '缺少点击处理函数')
  let active = true
  const handler = () => {
    if (active) onClick()
  }
  await invoke(m, { title, image, handler }, options, { optimisticAfterMs: FIRE_AND_FORGET_MS })
  // upsdk.js attached `handler` itself on document and never removes it
  return () => {
    active = false
    if (typeof document !== 'undefined') document.removeEventListener('rightbtnclick', handler)
  }
}

// ---- 6.7 scanQRCode ----

export type ScanType = 'qrCode' | 'barCode'
/** 6.7: the scanned text. The app answers a string or `{value}`; both become the string. */
export async function scanQRCode(params: { scanType?: ScanType[] } = {}, options: PluginOptions = {}): Promise<string> {
  const m = 'scanQRCode'
  const scanType = params.scanType ?? ['qrCode', 'barCode']
  if (!Array.isArray(scanType) || scanType.length === 0 || scanType.some((t) => t !== 'qrCode' && t !== 'barCode')) {
    throw invalid(m, 'scanType 只能包含 qrCode、barCode', scanType)
  }
  const answer = await invoke<unknown>(m, { scanType }, options, { timeoutMs: options.timeoutMs ?? 0 })
  return normaliseScanResult(answer)
}
export function normaliseScanResult(answer: unknown): string {
  if (typeof answer === 'string') return answer
  if (isRecord(answer)) {
    for (const key of ['value', 'result', 'resultStr'])
      if (typeof answer[key] === 'string') return answer[key] as string
  }
  throw badAnswer('scanQRCode', '应为字符串或 {value}', answer)
}

// ---- 6.8 – 6.10 ----

export async function addBankCard(params: { sence?: string } = {}, options: PluginOptions = {}): Promise<void> {
  await invoke('addBankCard', { sence: optionalText('addBankCard', 'sence', params.sence, 32) }, options, {
    timeoutMs: options.timeoutMs ?? 0,
  })
}

export async function showFlashInfo(msg: string, options: PluginOptions = {}): Promise<void> {
  await invoke('showFlashInfo', { msg: requireText('showFlashInfo', 'msg', msg, 200) }, options, {
    optimisticAfterMs: FIRE_AND_FORGET_MS,
  })
}

export async function closeWebApp(options: PluginOptions = {}): Promise<void> {
  await invoke('closeWebApp', {}, options, { optimisticAfterMs: FIRE_AND_FORGET_MS })
}

// ---- 6.11 getLocationCity ----

/** 6.11: the city chosen on the app's home page, as a 6-digit 行政区划代码 (广州市 440100). */
export async function getLocationCity(options: PluginOptions = {}): Promise<string> {
  const answer = await invoke<unknown>('getLocationCity', {}, options)
  const raw = isRecord(answer) ? (answer.cityCd ?? answer.cityCode) : answer
  const code = typeof raw === 'number' ? String(raw) : raw
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) throw badAnswer('getLocationCity', '应为 6 位城市代码', answer)
  return code
}

// ---- 6.12 verifyPayPwd ----

export interface VerifyPayPwdParams {
  /** 支付密码验证流水号 from the back end (verifyPwdSeqId). */
  transNo: string
  /** 业务类型编号, agreed with 云闪付. */
  bizType: string
}
export async function verifyPayPwd(params: VerifyPayPwdParams, options: PluginOptions = {}): Promise<void> {
  const transNo = requireText('verifyPayPwd', 'transNo', params.transNo, 64)
  const bizType = requireText('verifyPayPwd', 'bizType', params.bizType, 32)
  await invoke('verifyPayPwd', { transNo, bizType }, options, { timeoutMs: options.timeoutMs ?? 0 })
}

// ---- 6.13 getLocationGps ----

/** 高德 (GCJ-02) coordinates. */
export interface GpsLocation {
  latitude: number
  longitude: number
}
/** 6.13: the app answers an object on iOS and a string on Android; both become numbers. */
export async function getLocationGps(options: PluginOptions = {}): Promise<GpsLocation> {
  return normaliseGps(await invoke<unknown>('getLocationGps', {}, options))
}
export function normaliseGps(answer: unknown): GpsLocation {
  let value: unknown = answer
  if (typeof answer === 'string') {
    const text = answer.trim()
    if (text.startsWith('{')) {
      try {
        value = JSON.parse(text) as unknown
      } catch {
        throw badAnswer('getLocationGps', '不是合法的 JSON', answer)
      }
    } else {
      // "lng,lat", the 高德 order.
      const [lng, lat] = text.split(',')
      value = { longitude: lng, latitude: lat }
    }
  }
  if (isRecord(value)) {
    const latitude = toNumber(value.latitude ?? value.lat)
    const longitude = toNumber(value.longitude ?? value.lng ?? value.lon)
    if (latitude !== undefined && longitude !== undefined && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
      return { latitude, longitude }
    }
  }
  throw badAnswer('getLocationGps', '缺少合法的 latitude / longitude', answer)
}

// ---- 6.14 showSharePopup ----

export interface SharePopupParams {
  title: string
  desc: string
  shareUrl: string
  /** @default the 云闪付 icon */
  picUrl?: string
}
export async function showSharePopup(params: SharePopupParams, options: PluginOptions = {}): Promise<void> {
  const m = 'showSharePopup'
  await invoke(
    m,
    {
      title: requireText(m, 'title', params.title, 64),
      desc: requireText(m, 'desc', params.desc, 200),
      shareUrl: httpUrl(m, 'shareUrl', params.shareUrl),
      picUrl: params.picUrl === undefined || params.picUrl === '' ? undefined : httpUrl(m, 'picUrl', params.picUrl),
    },
    options,
    { optimisticAfterMs: FIRE_AND_FORGET_MS },
  )
}

// ---- 6.15 – 6.18 files, recordings and chunked reads ----

/** One chunk of a file: base64 data and whether it was the last. */
export interface FileChunk {
  data: string
  isFinished: boolean
}
const MAX_BUFFER = 512 * 1024

function parseChunk(method: string, answer: unknown): FileChunk {
  if (!isRecord(answer) || typeof answer.data !== 'string') throw badAnswer(method, '缺少 data', answer)
  const f = answer.isFinished
  if (f !== '0' && f !== '1' && f !== 0 && f !== 1 && typeof f !== 'boolean')
    throw badAnswer(method, 'isFinished 应为 0 或 1', answer)
  return { data: answer.data, isFinished: f === '1' || f === 1 || f === true }
}
function chunkParams(method: string, p: { bufferSize: number; fromOffset: number }) {
  return {
    bufferSize: requireInt(method, 'bufferSize', p.bufferSize, 1, MAX_BUFFER),
    fromOffset: requireInt(method, 'fromOffset', p.fromOffset, 0, Number.MAX_SAFE_INTEGER),
  }
}

export interface AlbumFile {
  url: string
  size: number
  filename: string
}
export interface ChooseFileParams {
  /** Largest accepted file, in bytes (the spec advises ≤ 100 MB). */
  maxSize: number
  /** 00 video only, 01 images only, 02 both. */
  sourceType: '00' | '01' | '02'
}
export async function chooseFileFromAlbum(params: ChooseFileParams, options: PluginOptions = {}): Promise<AlbumFile> {
  const m = 'chooseFileFromAlbum'
  const maxSize = requireInt(m, 'maxSize', params.maxSize, 1, Number.MAX_SAFE_INTEGER)
  if (!['00', '01', '02'].includes(params.sourceType))
    throw invalid(m, 'sourceType 只能是 00、01、02', params.sourceType)
  const answer = await invoke<unknown>(m, { maxSize, sourceType: params.sourceType }, options, {
    timeoutMs: options.timeoutMs ?? 0,
  })
  const size = isRecord(answer) ? toNumber(answer.size) : undefined
  if (
    !isRecord(answer) ||
    typeof answer.url !== 'string' ||
    !answer.url ||
    size === undefined ||
    typeof answer.filename !== 'string'
  ) {
    throw badAnswer(m, '应为 {url, size, filename}', answer)
  }
  return { url: answer.url, size, filename: answer.filename }
}

export async function readAlbumData(
  params: { url: string; bufferSize: number; fromOffset: number },
  options: PluginOptions = {},
): Promise<FileChunk> {
  const m = 'readAlbumData'
  const sent = { url: requireText(m, 'url', params.url, 2048), ...chunkParams(m, params) }
  return parseChunk(m, await invoke<unknown>(m, sent, options))
}

export async function startAudioRecording(params: { maxTime: number }, options: PluginOptions = {}): Promise<void> {
  await invoke(
    'startAudioRecording',
    { maxTime: requireInt('startAudioRecording', 'maxTime', params.maxTime, 1, 3600) },
    options,
  )
}
export async function stopAudioRecording(options: PluginOptions = {}): Promise<void> {
  await invoke('stopAudioRecording', {}, options)
}
export async function readAudioRecordingData(
  params: { bufferSize: number; fromOffset: number },
  options: PluginOptions = {},
): Promise<FileChunk> {
  const m = 'readAudioRecordingData'
  return parseChunk(m, await invoke<unknown>(m, chunkParams(m, params), options))
}
/** 6.17: resolves when the user has finished recording (or maxTime passed). */
export async function startVideoRecording(params: { maxTime: number }, options: PluginOptions = {}): Promise<void> {
  await invoke(
    'startVideoRecording',
    { maxTime: requireInt('startVideoRecording', 'maxTime', params.maxTime, 1, 3600) },
    options,
    {
      timeoutMs: options.timeoutMs ?? 0,
    },
  )
}
export async function readVideoRecordingData(
  params: { bufferSize: number; fromOffset: number },
  options: PluginOptions = {},
): Promise<FileChunk> {
  const m = 'readVideoRecordingData'
  return parseChunk(m, await invoke<unknown>(m, chunkParams(m, params), options))
}
export async function readFaceVideoData(options: PluginOptions = {}): Promise<FileChunk> {
  return parseChunk('readFaceVideoData', await invoke<unknown>('readFaceVideoData', {}, options))
}
export async function readFaceImageData(options: PluginOptions = {}): Promise<FileChunk> {
  return parseChunk('readFaceImageData', await invoke<unknown>('readFaceImageData', {}, options))
}

/** A chunk size whose base64 pieces concatenate into valid base64 (a multiple of 3, under 512 KB). */
export const WHOLE_FILE_CHUNK = 3 * 128 * 1024

/**
 * Reads a file chunk by chunk with one of the `read…Data` plugins until `isFinished`, and
 * returns the whole base64. `maxChunks` stops a misbehaving reader.
 */
export async function readWholeFile(
  read: (p: { bufferSize: number; fromOffset: number }) => Promise<FileChunk>,
  { bufferSize = WHOLE_FILE_CHUNK, maxChunks = 1000 }: { bufferSize?: number; maxChunks?: number } = {},
): Promise<string> {
  if (bufferSize % 3 !== 0)
    throw invalid('readWholeFile', 'bufferSize 必须是 3 的倍数，分块的 base64 才能拼接', bufferSize)
  const parts: string[] = []
  for (let i = 0; i < maxChunks; i++) {
    const c = await read({ bufferSize, fromOffset: i * bufferSize })
    parts.push(c.data)
    if (c.isFinished) return parts.join('')
  }
  throw new UpsdkError('too_many_chunks', `文件超过 ${maxChunks} 块，已停止读取`, 'native', undefined, 'readWholeFile')
}

// ---- 6.19 – 6.21 screen ----

function parseBrightness(method: string, answer: unknown): number {
  const b = isRecord(answer) ? toNumber(answer.brightness) : toNumber(answer)
  if (b === undefined || b < 0 || b > 1) throw badAnswer(method, 'brightness 应为 0–1', answer)
  return b
}
export async function getScreenBrightness(options: PluginOptions = {}): Promise<number> {
  return parseBrightness('getScreenBrightness', await invoke<unknown>('getScreenBrightness', {}, options))
}
/** 6.20: brightness 0–1, sent with one decimal. Resolves with the brightness the app reports. */
export async function setScreenBrightness(brightness: number, options: PluginOptions = {}): Promise<number> {
  const m = 'setScreenBrightness'
  if (typeof brightness !== 'number' || !Number.isFinite(brightness) || brightness < 0 || brightness > 1) {
    throw invalid(m, 'brightness 必须是 0–1 之间的数字', brightness)
  }
  const sent = brightness.toFixed(1)
  const answer = await invoke<unknown>(m, { brightness: sent }, options)
  return answer === undefined || answer === null || answer === '' ? Number(sent) : parseBrightness(m, answer)
}

export interface ScreenShotMonitorOptions extends PluginOptions {
  /** Called when the app refuses to monitor (e.g. not iOS, c05). */
  onError?: (error: UpsdkError) => void
  /** Where the app raises `screenShotAction`. @default document */
  target?: EventTarget
}
/**
 * 6.21 (iOS only): calls `onShot` each time the user takes a screenshot (the app raises
 * `screenShotAction`). Returns a function that stops listening.
 */
export function monitorScreenShot(onShot: () => void, options: ScreenShotMonitorOptions = {}): () => void {
  const target = options.target ?? document
  let active = true
  const listener = () => {
    if (active) onShot()
  }
  target.addEventListener('screenShotAction', listener)
  const stop = () => {
    active = false
    target.removeEventListener('screenShotAction', listener)
    // upsdk.js attached the same function (our `success`) on document and never removes it
    if (typeof document !== 'undefined') document.removeEventListener('screenShotAction', listener)
  }
  invoke('monitorScreenShot', {}, options, { optimisticAfterMs: FIRE_AND_FORGET_MS, successListener: listener }).catch(
    (err: unknown) => {
      stop()
      options.onError?.(asUpsdkError(err, 'monitorScreenShot'))
    },
  )
  return stop
}

// ---- 6.22 navi ----

export interface NaviParams {
  sLat: number | string
  sLon: number | string
  sName: string
  dLat: number | string
  dLon: number | string
  dName: string
}
export async function navi(params: NaviParams, options: PluginOptions = {}): Promise<void> {
  const m = 'navi'
  await invoke(
    m,
    {
      sLat: coordinate(m, 'sLat', params.sLat, 90),
      sLon: coordinate(m, 'sLon', params.sLon, 180),
      sName: requireText(m, 'sName', params.sName, 64),
      dLat: coordinate(m, 'dLat', params.dLat, 90),
      dLon: coordinate(m, 'dLon', params.dLon, 180),
      dName: requireText(m, 'dName', params.dName, 64),
    },
    options,
    { timeoutMs: options.timeoutMs ?? 0 },
  )
}
