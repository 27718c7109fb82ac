import { bluetooth } from 'upkit/upsdk'

const SIG = bluetooth.sigUuid
const normalizeUuid = bluetooth.normalizeUuid
import { DOOR_LOCK_COMMANDS, DOOR_LOCK_UUIDS, type KnownCommand } from './uuids'

/** A human reading of well-known characteristic values (heart rate, battery, the demo lock). */
export function describeValue(characteristicId: string, bytes: Uint8Array): string | undefined {
  const id = normalizeUuid(characteristicId)
  const b0 = bytes[0]
  if (b0 === undefined) return undefined
  if (id === SIG('2A37')) {
    const bpm = b0 & 1 ? (bytes[1] ?? 0) | ((bytes[2] ?? 0) << 8) : bytes[1]
    return bpm === undefined ? undefined : `心率 ${bpm} 次/分`
  }
  if (id === SIG('2A19')) return `电量 ${b0}%`
  if (id === SIG('2A38')) return `佩戴位置：${['其他', '胸部', '手腕', '手指', '手掌', '耳垂', '脚'][b0] ?? '未知'}`
  if (id === DOOR_LOCK_UUIDS.command) {
    const command = DOOR_LOCK_COMMANDS.find((c) => parseInt(c.hex, 16) === b0)
    return command ? `${command.label}命令` : '门锁不认识的命令'
  }
  if (id === DOOR_LOCK_UUIDS.status) {
    if (b0 === 0xa0 && bytes.length >= 3) return `门锁${bytes[2] === 1 ? '已开锁' : '已上锁'}`
    if (b0 === 0xee) return '门锁：不认识的命令'
  }
  return undefined
}

/** Commands a well-known characteristic accepts (the demo lock's), offered as buttons. */
export function knownCommands(characteristicId: string): readonly KnownCommand[] {
  return normalizeUuid(characteristicId) === DOOR_LOCK_UUIDS.command ? DOOR_LOCK_COMMANDS : []
}

/** Names for well-known services and characteristics. */
export function uuidName(uuid: string): string | undefined {
  const names: Record<string, string> = {
    [SIG('180D')]: '心率服务',
    [SIG('2A37')]: '心率测量',
    [SIG('2A38')]: '佩戴位置',
    [SIG('180F')]: '电池服务',
    [SIG('2A19')]: '电量',
    [DOOR_LOCK_UUIDS.service]: '门锁服务',
    [DOOR_LOCK_UUIDS.command]: '门锁命令',
    [DOOR_LOCK_UUIDS.status]: '门锁状态',
  }
  return names[normalizeUuid(uuid)]
}
