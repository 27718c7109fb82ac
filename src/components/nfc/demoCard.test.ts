import { describe, expect, it } from 'vitest'
import { hexToBytes } from '@/upsdk/bluetooth/hex'
import { describeApdu, demoCard } from './demoCard'

const cmd = (apdu: string) => ({ apdu, bytes: hexToBytes(apdu) })

describe('demo card', () => {
  it('answers SELECT, GET DATA and refuses the rest', () => {
    const card = demoCard(1234)
    expect(card(cmd('00A4040007F001020304050600'))).toBe('9000')
    expect(card(cmd('80CA9F7F00'))).toBe('000004D29000')
    expect(card(cmd('00B0000000'))).toBe('6D00')
  })

  it('describes commands and status words in Chinese', () => {
    expect(describeApdu('command', '00A4040007F001020304050600')).toBe('选择应用 AID F0010203040506')
    expect(describeApdu('response', '000003E89000')).toBe('成功，余额 10.00 元')
    expect(describeApdu('response', '6A82')).toBe('未找到应用')
    expect(describeApdu('response', '6983')).toBe('状态字 6983')
  })
})
