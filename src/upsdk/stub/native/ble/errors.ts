import type { NativeError } from './types'

/** The native Bluetooth failures the simulator answers with. */
export const ERR = {
  notInit: { code: '10000', msg: '未初始化蓝牙适配器' },
  off: { code: '10001', msg: '当前蓝牙适配器不可用' },
  noDevice: { code: '10002', msg: '没有找到指定设备' },
  connectFail: { code: '10003', msg: '连接失败' },
  noService: { code: '10004', msg: '没有找到指定服务' },
  noChar: { code: '10005', msg: '没有找到指定特征值' },
  noConnection: { code: '10006', msg: '当前连接已断开' },
  property: { code: '10007', msg: '当前特征值不支持此操作' },
  badParam: { code: '10013', msg: '参数不合法' },
} satisfies Record<string, NativeError>
