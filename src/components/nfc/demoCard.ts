import type { HceCommand } from 'upkit/vue'

/** The AID the demo card registers by default (a proprietary-range AID, 7 bytes). */
export const DEMO_AID = 'F0010203040506'

/**
 * A tiny stored-value card for the demo: SELECT by AID → 9000; GET DATA (80 CA) → the balance
 * (4 bytes, in fen) + 9000; anything else → 6D00 (instruction not supported).
 */
export function demoCard(balanceFen = 1000): (cmd: HceCommand) => string {
  return ({ apdu }) => {
    if (apdu.startsWith('00A40400')) return '9000'
    if (apdu.startsWith('80CA')) return `${balanceFen.toString(16).toUpperCase().padStart(8, '0')}9000`
    return '6D00'
  }
}

/** A short Chinese reading of an APDU or a status word, for the log. */
export function describeApdu(dir: 'command' | 'response', hex: string): string {
  if (dir === 'command') {
    if (hex.startsWith('00A40400')) return `选择应用 AID ${hex.slice(10, 10 + parseInt(hex.slice(8, 10), 16) * 2)}`
    if (hex.startsWith('80CA')) return '读取数据（余额）'
    return '其他指令'
  }
  const sw = hex.slice(-4)
  const words: Record<string, string> = {
    '9000': '成功',
    '6A82': '未找到应用',
    '6D00': '不支持的指令',
    '6F00': '卡片内部错误',
  }
  const body = hex.length > 4 ? hex.slice(0, -4) : ''
  const balance = body.length === 8 ? `，余额 ${(parseInt(body, 16) / 100).toFixed(2)} 元` : ''
  return `${words[sw] ?? `状态字 ${sw}`}${balance}`
}
