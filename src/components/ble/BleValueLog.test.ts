import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { BleLogEntry } from '@/composables/useBluetooth'
import BleValueLog from './BleValueLog.vue'

const HEART_RATE = '00002A37-0000-1000-8000-00805F9B34FB'

const entry = (at: number): BleLogEntry => ({
  deviceId: 'D1',
  kind: 'notify',
  at,
  serviceId: '0000180D-0000-1000-8000-00805F9B34FB',
  characteristicId: HEART_RATE,
  value: '0048',
  bytes: new Uint8Array([0, 72]),
})

describe('BleValueLog', () => {
  it('shows each entry at its Beijing time, whatever the device zone, and says so', () => {
    // 16:05:09 UTC is 00:05:09 the next day in Beijing (local time here is not UTC+8 unless TZ says so)
    const w = mount(BleValueLog, {
      props: { entries: [entry(Date.UTC(2026, 11, 1, 16, 5, 9))], names: { D1: '心率带' } },
    })
    const item = w.get('[data-testid="ble-log-entry"]')
    expect(item.text()).toContain('00:05:09 · 心率带')
    expect(w.get('h2').text()).toContain('时间为北京时间')
  })

  it('lists the newest first', () => {
    const w = mount(BleValueLog, {
      props: { entries: [entry(Date.UTC(2026, 11, 1, 1, 0, 0)), entry(Date.UTC(2026, 11, 1, 2, 30, 0))], names: {} },
    })
    expect(w.findAll('[data-testid="ble-log-entry"]').map((e) => e.text().match(/\d\d:\d\d:\d\d/)?.[0])).toEqual([
      '10:30:00',
      '09:00:00',
    ])
  })
})
