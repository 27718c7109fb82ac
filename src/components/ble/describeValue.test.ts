import { describe, expect, it } from 'vitest'
import { describeValue, knownCommands, uuidName } from './describeValue'
import { sigUuid as SIG } from '@/upsdk/bluetooth/uuid'
import { DOOR_LOCK_UUIDS } from './uuids'

describe('describeValue', () => {
  it('reads heart rate (8- and 16-bit), battery and the demo lock', () => {
    expect(describeValue(SIG('2A37'), new Uint8Array([0, 72]))).toBe('心率 72 次/分')
    expect(describeValue(SIG('2A37'), new Uint8Array([1, 0x2c, 0x01]))).toBe('心率 300 次/分')
    expect(describeValue(SIG('2A19').toLowerCase(), new Uint8Array([90]))).toBe('电量 90%')
    expect(describeValue(DOOR_LOCK_UUIDS.status, new Uint8Array([0xa0, 1, 1]))).toBe('门锁已开锁')
    expect(describeValue(DOOR_LOCK_UUIDS.status, new Uint8Array([0xa0, 2, 0]))).toBe('门锁已上锁')
    expect(describeValue(SIG('2A00'), new Uint8Array([1]))).toBeUndefined()
    expect(uuidName(SIG('180d').toLowerCase())).toBe('心率服务')
  })

  it("names the lock's commands as written, and offers them for its command characteristic only", () => {
    expect(describeValue(DOOR_LOCK_UUIDS.command, new Uint8Array([1]))).toBe('开锁命令')
    expect(describeValue(DOOR_LOCK_UUIDS.command, new Uint8Array([2]))).toBe('上锁命令')
    expect(describeValue(DOOR_LOCK_UUIDS.command, new Uint8Array([9]))).toBe('门锁不认识的命令')
    expect(knownCommands(DOOR_LOCK_UUIDS.command.toLowerCase()).map((c) => `${c.hex} ${c.label}`)).toEqual([
      '01 开锁',
      '02 上锁',
      '03 查询状态',
    ])
    expect(knownCommands(DOOR_LOCK_UUIDS.status)).toEqual([])
  })
})
