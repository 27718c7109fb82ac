import { bluetooth } from 'upkit/upsdk'

/** The sandbox door lock's UUIDs (see docs/bluetooth-hce.md for its protocol). */
export const DOOR_LOCK_UUIDS = {
  service: bluetooth.sigUuid('FFF0'),
  command: bluetooth.sigUuid('FFF1'),
  status: bluetooth.sigUuid('FFF2'),
} as const

export interface KnownCommand {
  /** The byte(s) written, upper-case hex. */
  hex: string
  label: string
}

/** The door lock's commands: one byte written to FFF1; the answer `A0 <cmd> <00 locked | 01 unlocked>` appears on FFF2. */
export const DOOR_LOCK_COMMANDS: readonly KnownCommand[] = [
  { hex: '01', label: '开锁' },
  { hex: '02', label: '上锁' },
  { hex: '03', label: '查询状态' },
]
