import type { StubHost, StubReply } from './host'

export type HceStubStateCode = '0000' | '1001' | '1002' | '1003' | '1004'

const STATE_MSG: Record<HceStubStateCode, string> = {
  '0000': 'ok',
  '1001': '当前设备不支持NFC',
  '1002': '当前设备支持NFC，但系统NFC开关未开启',
  '1003': '当前设备支持NFC，但不支持HCE',
  '1004': '未设置云闪付为默认NFC应用',
}

/** The spec's rule (6.24.2), exactly: comma-separated, each AID 10–32 characters of 0-9A-F. */
const AID_LIST_RE = /^[0-9A-F]{10,32}(,[0-9A-F]{10,32})*$/

export interface HceExchange {
  /** `command`: reader → card (the page); `response`: card → reader. */
  dir: 'command' | 'response'
  hex: string
  at: number
}

export interface HceStubState {
  code: HceStubStateCode
  started: boolean
  aids: string[]
  listening: boolean
  selected: string | null
  log: HceExchange[]
}

/** A simulated contactless reader tapped against the phone. */
export interface HceReader {
  /** Sends SELECT (00 A4 04 00 Lc AID 00); resolves with the card's response hex (6A82 when the AID is not registered). */
  select(aid: string): Promise<string>
  /** Sends any command APDU (hex) after a SELECT; resolves with the response hex. */
  exchange(apdu: string): Promise<string>
  /** The phone leaves the field (onHCEMessage messageType 2). */
  leave(): void
}

/** The scripting handle exposed as `window.__upsdkStub.hce`. */
export type HceStubHandle = {
  /** What getHCEState answers (0000 ok, 1001–1004 the unsupported states). */
  setHceState(code: HceStubStateCode): void
  /** openNFCSetting fixes 1002/1004 after this many ms (the user flips the switch); null: never. @default 300 */
  setSettingsFixesAfter(ms: number | null): void
  /** How long the reader waits for sendHCEMessage. @default 3000 */
  setResponseTimeout(ms: number): void
  failNext(method: string, error: { code: string; msg: string }): void
  readonly reader: HceReader
  state(): HceStubState
  reset(): void
}

const hex = (s: string) => s.replace(/\s/g, '').toUpperCase()
const isHex = (s: string) => /^(?:[0-9A-F]{2})+$/.test(s)

/** Simulated HCE card emulation (seed 6.24) and a reader that talks to the page. */
export function installHce(host: StubHost): HceStubHandle {
  let code: HceStubStateCode = '0000'
  let settingsFixesAfter: number | null = 300
  let responseTimeout = 3000
  let started = false
  let aids: string[] = []
  let listener: StubReply | null = null
  let selected: string | null = null
  let pending: { resolve(hex: string): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> } | null =
    null
  const log: HceExchange[] = []
  const failures = new Map<string, { code: string; msg: string }>()

  function define(method: string, fn: (p: Record<string, unknown>, reply: StubReply) => void) {
    host.define(method, (params, reply) => {
      const forced = failures.get(method)
      if (forced) {
        failures.delete(method)
        return reply.fail(forced)
      }
      fn(params, reply)
    })
  }

  function abortPending(why: string) {
    if (!pending) return
    clearTimeout(pending.timer)
    pending.reject(new Error(why))
    pending = null
  }

  function stop() {
    abortPending('HCE 已停止')
    started = false
    aids = []
    listener = null
    selected = null
  }

  define('getHCEState', (_p, reply) => reply.success({ code, msg: STATE_MSG[code] }))
  define('startHCE', (p, reply) => {
    if (typeof p.aidList !== 'string' || p.aidList === '') return reply.fail({ code: '1103', msg: '输入参数错误' })
    if (!AID_LIST_RE.test(p.aidList)) return reply.fail({ code: '1102', msg: 'AID列表参数格式错误' })
    if (code !== '0000') return reply.fail({ code: '1101', msg: '注册AID失败' })
    stop()
    started = true
    aids = p.aidList.split(',')
    reply.success({ code: '0000', msg: 'ok' })
  })
  define('stopHCE', (p, reply) => {
    if (Object.keys(p).length > 0) return reply.fail({ code: '1401', msg: '输入参数错误' })
    if (!started) return reply.fail({ code: '1402', msg: '注销AID失败' })
    stop()
    reply.success({ code: '0000', msg: 'ok' })
  })
  define('onHCEMessage', (_p, reply) => {
    if (!started) return reply.fail({ code: '1301', msg: '发送指令失败' })
    // one slot, like the other listener plugins: the last registration wins; its success runs once per command
    listener = reply
  })
  define('sendHCEMessage', (p, reply) => {
    const data = typeof p.data === 'string' ? hex(p.data) : ''
    if (!started || !pending || !isHex(data)) return reply.fail({ code: '1301', msg: '发送指令失败' })
    const { resolve, timer } = pending
    pending = null
    clearTimeout(timer)
    log.push({ dir: 'response', hex: data, at: Date.now() })
    reply.success({ code: '0000', msg: 'ok' })
    resolve(data)
  })
  define('openNFCSetting', (_p, reply) => {
    reply.success({ code: '0000', msg: 'ok' })
    if ((code === '1002' || code === '1004') && settingsFixesAfter !== null)
      setTimeout(() => (code = '0000'), settingsFixesAfter)
  })

  function deliver(apdu: string): Promise<string> {
    if (!started || !listener) return Promise.reject(new Error('卡片没有响应：HCE 未启动或页面没有监听 onHCEMessage'))
    if (pending) return Promise.reject(new Error('上一条指令还在等待应答'))
    const l = listener
    log.push({ dir: 'command', hex: apdu, at: Date.now() })
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending = null
        reject(new Error(`卡片 ${responseTimeout} ms 内没有应答`))
      }, responseTimeout)
      pending = { resolve, reject, timer }
      l.success({ code: '0000', msg: 'ok', messageType: '1', data: apdu })
    })
  }

  const reader: HceReader = {
    async select(aidIn) {
      const aid = hex(aidIn)
      if (!isHex(aid)) throw new Error(`AID 不是十六进制：${aidIn}`)
      const lc = (aid.length / 2).toString(16).padStart(2, '0').toUpperCase()
      const apdu = `00A40400${lc}${aid}00`
      if (!started) throw new Error('卡片没有响应：HCE 未启动')
      if (!aids.includes(aid)) {
        log.push({ dir: 'command', hex: apdu, at: Date.now() }, { dir: 'response', hex: '6A82', at: Date.now() })
        selected = null
        return '6A82'
      }
      selected = aid
      return deliver(apdu)
    },
    async exchange(apduIn) {
      const apdu = hex(apduIn)
      if (!isHex(apdu) || apdu.length < 8) throw new Error(`不是合法的 APDU：${apduIn}`)
      if (!selected) throw new Error('请先 SELECT 一个已注册的 AID')
      return deliver(apdu)
    },
    leave() {
      abortPending('手机已离开读卡器')
      selected = null
      listener?.success({ code: '0000', msg: 'ok', messageType: '2', reason: '0' })
    },
  }

  return {
    setHceState: (c) => void (code = c),
    setSettingsFixesAfter: (ms) => void (settingsFixesAfter = ms),
    setResponseTimeout: (ms) => void (responseTimeout = ms),
    failNext: (method, error) => void failures.set(method, error),
    reader,
    state: () => ({ code, started, aids: [...aids], listening: !!listener, selected, log: log.map((e) => ({ ...e })) }),
    reset() {
      stop()
      code = '0000'
      settingsFixesAfter = 300
      responseTimeout = 3000
      log.length = 0
      failures.clear()
    },
  }
}
