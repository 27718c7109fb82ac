import type { StubHost, StubMethodHandler, StubReply } from './host'

/** A StubHost for simulator tests, and a way to call one method as the JS layer would. */
export function testHost(method: string) {
  const handlers = new Map<string, StubMethodHandler>()
  const h: StubHost = {
    define: (m, fn) => void handlers.set(m, fn),
    emit() {},
    sandboxBase: '/sandbox',
    calls: [],
    document,
  }
  const call = (params: Record<string, unknown>) =>
    new Promise<{ ok: boolean; answer: unknown }>((resolve) => {
      const reply: StubReply = {
        success: (a) => resolve({ ok: true, answer: a }),
        fail: (e) => resolve({ ok: false, answer: e }),
      }
      void handlers.get(method)?.(params, reply)
    })
  return { h, call }
}
