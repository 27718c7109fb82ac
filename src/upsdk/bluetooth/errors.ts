import { UpsdkError } from '../errors'

/**
 * Native Bluetooth error codes. The seed's error table (6.23 备注) is an image that did not
 * survive; these are the codes the 云闪付 plugins share with the other super-app BLE APIs and
 * that the stub answers with.
 */
export const BLE_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  '10000': '蓝牙尚未初始化，请先调用 openBluetoothAdapter',
  '10001': '手机蓝牙未打开或不可用，请在系统设置中打开蓝牙',
  '10002': '没有找到指定设备',
  '10003': '连接设备失败',
  '10004': '没有找到指定服务',
  '10005': '没有找到指定特征值',
  '10006': '当前连接已断开',
  '10007': '该特征值不支持此操作',
  '10008': '系统错误',
  '10009': '系统版本过低，不支持低功耗蓝牙',
  '10012': '连接超时',
  '10013': '参数不合法',
}

/** Codes for "Bluetooth is off": the fix is `openBluetoothSetting`. */
export const BLE_OFF_CODES: ReadonlySet<string> = new Set(['10001', 'bluetooth_off'])

/** True when the error means the user has Bluetooth off (offer `openBluetoothSetting`). */
export function isBluetoothOffError(e: unknown): boolean {
  return e instanceof UpsdkError && BLE_OFF_CODES.has(e.code)
}

/** A readable Chinese message for any Bluetooth failure. */
export function describeBleError(e: unknown): string {
  if (e instanceof UpsdkError) {
    const known = BLE_ERROR_MESSAGES[e.code]
    if (known)
      return e.message && e.message !== known && !e.message.endsWith('调用失败') ? `${known}（${e.message}）` : known
    return e.message
  }
  return e instanceof Error ? e.message : String(e)
}

export function validationError(method: string, message: string, raw?: unknown): UpsdkError {
  return new UpsdkError('invalid_params', message, 'validation', raw, method)
}
