import { mount, flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import { lazyComponent } from './lazy'

const Card = defineComponent({
  props: { label: { type: String, required: true } },
  setup: (p) => () => h('p', p.label),
})

describe('lazyComponent', () => {
  it('renders nothing until its chunk is in, then the component with the given attributes; fetched once', async () => {
    const load = vi.fn(() => Promise.resolve({ default: Card }))
    const Lazy = lazyComponent(load)
    const first = mount(Lazy, { attrs: { label: '重试' } })
    expect(first.find('p').exists()).toBe(false)
    await flushPromises()
    expect(first.html()).toBe('<p>重试</p>')
    mount(Lazy, { attrs: { label: 'again' } })
    Lazy.preload()
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('preload fetches without rendering; a failed fetch is logged and tried again', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const load = vi
      .fn<() => Promise<{ default: typeof Card }>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch dynamically imported module'))
      .mockResolvedValue({ default: Card })
    const Lazy = lazyComponent(load)
    Lazy.preload()
    await flushPromises()
    expect(error).toHaveBeenCalledOnce()
    const w = mount(Lazy, { attrs: { label: 'ok' } })
    await flushPromises()
    expect(load).toHaveBeenCalledTimes(2)
    expect(w.html()).toBe('<p>ok</p>')
    error.mockRestore()
  })
})
