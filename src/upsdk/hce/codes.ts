/** getHCEState answers (seed 6.24.1). */
export type HceStateCode = '0000' | '1001' | '1002' | '1003' | '1004'
/** startHCE failures (6.24.2). */
export type StartHceCode = '1101' | '1102' | '1103'
/** stopHCE failures (6.24.3). */
export type StopHceCode = '1401' | '1402'
/** onHCEMessage failure (6.24.4). */
export type HceMessageCode = '1301'

/** What the page can do about a state. */
export type HceFix = 'none' | 'openNFCSetting'

export interface HceStateInfo {
  code: HceStateCode
  ok: boolean
  /** The spec's msg. */
  message: string
  /** What to tell the user. */
  explanation: string
  fix: HceFix
}

export const HCE_STATES: Readonly<Record<HceStateCode, HceStateInfo>> = {
  '0000': { code: '0000', ok: true, message: 'ok', explanation: '本机支持 HCE，可以开始卡模拟', fix: 'none' },
  '1001': {
    code: '1001',
    ok: false,
    message: '当前设备不支持NFC',
    explanation: '这台手机没有 NFC 功能，无法使用手机碰卡。请换一台带 NFC 的手机。',
    fix: 'none',
  },
  '1002': {
    code: '1002',
    ok: false,
    message: '当前设备支持NFC，但系统NFC开关未开启',
    explanation: '手机的 NFC 开关没有打开。请在系统设置中打开 NFC 后返回此页。',
    fix: 'openNFCSetting',
  },
  '1003': {
    code: '1003',
    ok: false,
    message: '当前设备支持NFC，但不支持HCE',
    explanation: '这台手机支持 NFC，但不支持主机卡模拟（HCE），无法模拟卡片。',
    fix: 'none',
  },
  '1004': {
    code: '1004',
    ok: false,
    message: '未设置云闪付为默认NFC应用',
    explanation: '云闪付还不是默认的 NFC 付款应用。请在 NFC 设置的“默认付款应用”中选择云闪付。',
    fix: 'openNFCSetting',
  },
}

export const START_HCE_MESSAGES: Readonly<Record<StartHceCode, string>> = {
  '1101': '注册AID失败',
  '1102': 'AID列表参数格式错误',
  '1103': '输入参数错误',
}

export const STOP_HCE_MESSAGES: Readonly<Record<StopHceCode, string>> = {
  '1401': '输入参数错误',
  '1402': '注销AID失败',
}

export const HCE_MESSAGE_MESSAGES: Readonly<Record<HceMessageCode, string>> = { '1301': '发送指令失败' }

export function isHceStateCode(c: unknown): c is HceStateCode {
  return typeof c === 'string' && Object.hasOwn(HCE_STATES, c)
}

/** The state info for a code, or undefined for a code the spec does not list. */
export function hceStateInfo(code: string): HceStateInfo | undefined {
  return isHceStateCode(code) ? HCE_STATES[code] : undefined
}
