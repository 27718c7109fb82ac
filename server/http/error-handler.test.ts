import type { ApiErrorCode } from '../../common/api.ts'
import Fastify from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DomainError, type DomainErrorKind } from '../errors.ts'
import { registerErrorHandler, STATUS_OF_KIND } from './error-handler.ts'
import { registerNoStore } from './no-store.ts'

async function app() {
  const a = Fastify({ logger: false })
  a.setValidatorCompiler(validatorCompiler)
  a.setSerializerCompiler(serializerCompiler)
  registerErrorHandler(a)
  registerNoStore(a)
  const r = a.withTypeProvider<ZodTypeProvider>()
  r.get('/api/fail/:kind', async (req) => {
    throw new DomainError((req.params as { kind: DomainErrorKind }).kind, 'SOME_RULE' as ApiErrorCode, '规则不允许', {
      n: 1,
    })
  })
  r.get(
    '/api/q',
    { schema: { querystring: z.object({ n: z.coerce.number().int() }) }, config: { inputName: '测试参数' } },
    async (req) => ({ n: req.query.n }),
  )
  r.post('/api/b', { schema: { body: z.object({ a: z.string() }) } }, async (req) => ({ a: req.body.a }))
  r.get('/other', async () => ({ ok: true }))
  await a.ready()
  return a
}

describe('the one error mapper', () => {
  it('answers each domain error kind with its status and the {"error":{code,message,details}} body', async () => {
    const a = await app()
    for (const [kind, status] of Object.entries(STATUS_OF_KIND)) {
      const r = await a.inject({ method: 'GET', url: `/api/fail/${kind}` })
      expect(r.statusCode, kind).toBe(status)
      expect(r.json()).toEqual({ error: { code: 'SOME_RULE', message: '规则不允许', details: { n: 1 } } })
    }
  })

  it('answers a route schema failure 400 INVALID_INPUT naming the input and each bad field', async () => {
    const a = await app()
    const q = await a.inject({ method: 'GET', url: '/api/q?n=x' })
    expect(q.statusCode).toBe(400)
    expect(q.json().error.code).toBe('INVALID_INPUT')
    expect(q.json().error.message).toMatch(/^测试参数不合法：n: /)
    const b = await a.inject({ method: 'POST', url: '/api/b', payload: { a: 1 } })
    expect(b.statusCode).toBe(400)
    expect(b.json().error.message).toMatch(/^请求体不合法：a: /)
    expect((await a.inject({ method: 'GET', url: '/api/q?n=3' })).json()).toEqual({ n: 3 })
  })

  it('marks /api and /notify answers no-store, errors included, and leaves other paths alone', async () => {
    const a = await app()
    expect((await a.inject({ method: 'GET', url: '/api/q?n=3' })).headers['cache-control']).toBe('no-store')
    expect((await a.inject({ method: 'GET', url: '/api/fail/conflict' })).headers['cache-control']).toBe('no-store')
    expect((await a.inject({ method: 'GET', url: '/other' })).headers['cache-control']).toBeUndefined()
    // decided on the matched route: a percent-encoded first segment reaches /api/q and is marked too
    const encoded = await a.inject({ method: 'GET', url: '/%61pi/q?n=3' })
    expect(encoded.json()).toEqual({ n: 3 })
    expect(encoded.headers['cache-control']).toBe('no-store')
    // no route matched: the URL decides
    expect((await a.inject({ method: 'GET', url: '/api/nothing' })).headers['cache-control']).toBe('no-store')
  })
})
