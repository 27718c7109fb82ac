import { describe, expect, it, vi } from 'vitest'
import type { UpsdkGlobal } from '../types'
import { bleListenerState, onBLEConnectionStateChange, onBluetoothDeviceFound } from '.'

function fake(opts: { failRegister?: boolean } = {}) {
  const calls: string[] = []
  const u: UpsdkGlobal = { config: () => undefined, ready: () => undefined, error: () => undefined }
  for (const m of [
    'registerBluetoothDeviceFound',
    'cancelBluetoothDeviceFound',
    'registerBLEConnectionStateChange',
    'cancelBLEConnectionStateChange',
  ]) {
    u[m] = ({ success, fail }: { success: () => void; fail: (e: unknown) => void }) => {
      calls.push(m)
      if (opts.failRegister && m.startsWith('register')) fail({ code: '10000', msg: '未初始化' })
      else setTimeout(success, 0)
    }
  }
  return { upsdk: u, calls, target: new EventTarget() }
}

const flush = () => new Promise((r) => setTimeout(r, 5))

describe('bluetooth listeners share one native registration', () => {
  it('registers once for many subscribers and cancels when the last leaves', async () => {
    const { upsdk, calls, target } = fake()
    const a = vi.fn()
    const b = vi.fn()
    const [ua, ub] = await Promise.all([
      onBluetoothDeviceFound(a, { upsdk, target }),
      onBluetoothDeviceFound(b, { upsdk, target }),
    ])
    expect(calls).toEqual(['registerBluetoothDeviceFound'])
    target.dispatchEvent(
      new CustomEvent('BluetoothDeviceFound', { detail: { devices: [{ deviceId: 'D1', name: 'x', RSSI: -50 }] } }),
    )
    expect(a).toHaveBeenCalledWith([{ deviceId: 'D1', name: 'x', rssi: -50, advertisServiceUUIDs: [] }])
    expect(b).toHaveBeenCalledTimes(1)
    ua()
    ua() // idempotent
    await flush()
    expect(calls).toEqual(['registerBluetoothDeviceFound'])
    target.dispatchEvent(new CustomEvent('BluetoothDeviceFound', { detail: { deviceId: 'D2' } }))
    expect(a).toHaveBeenCalledTimes(1)
    expect(b).toHaveBeenCalledTimes(2)
    ub()
    await flush()
    expect(calls).toEqual(['registerBluetoothDeviceFound', 'cancelBluetoothDeviceFound'])
    expect(bleListenerState(upsdk).deviceFound).toEqual({ subscribers: 0, registered: false })
    target.dispatchEvent(new CustomEvent('BluetoothDeviceFound', { detail: { deviceId: 'D3' } }))
    expect(b).toHaveBeenCalledTimes(2)
  })

  it('coalesces a quick unsubscribe/resubscribe: no needless cancel, the native side stays registered', async () => {
    const { upsdk, calls, target } = fake()
    const u1 = await onBLEConnectionStateChange(() => undefined, { upsdk, target })
    u1()
    const u2 = await onBLEConnectionStateChange(() => undefined, { upsdk, target })
    await flush()
    expect(calls).toEqual(['registerBLEConnectionStateChange'])
    expect(bleListenerState(upsdk).connectionState).toEqual({ subscribers: 1, registered: true })
    u2()
    await flush()
    expect(bleListenerState(upsdk).connectionState.registered).toBe(false)
    expect(calls.at(-1)).toBe('cancelBLEConnectionStateChange')
    // a subscribe while the cancel is still in flight registers again after it
    const u3 = onBLEConnectionStateChange(() => undefined, { upsdk, target })
    const u3b = await u3
    await flush()
    expect(calls.slice(-2)).toEqual(['cancelBLEConnectionStateChange', 'registerBLEConnectionStateChange'])
    u3b()
    await flush()
  })

  it('a failed registration rejects the subscriber and leaves nothing behind', async () => {
    const { upsdk, target } = fake({ failRegister: true })
    await expect(onBluetoothDeviceFound(() => undefined, { upsdk, target })).rejects.toMatchObject({ code: '10000' })
    expect(bleListenerState(upsdk).deviceFound).toEqual({ subscribers: 0, registered: false })
  })

  it('drops undecodable events and reports them to onError', async () => {
    const { upsdk, target } = fake()
    const h = vi.fn()
    const onError = vi.fn()
    const un = await onBLEConnectionStateChange(h, { upsdk, target, onError })
    target.dispatchEvent(
      new CustomEvent('BLEConnectionStateChange', { detail: { deviceId: 'D1', connected: 'perhaps' } }),
    )
    target.dispatchEvent(new CustomEvent('BLEConnectionStateChange', { detail: { deviceId: 'D1', connected: 'YES' } }))
    expect(onError).toHaveBeenCalledTimes(1)
    expect(h).toHaveBeenCalledExactlyOnceWith({ deviceId: 'D1', connected: true })
    un()
  })
})
