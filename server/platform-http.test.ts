import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postJson, postText, type FetchLike, type JsonReplyFailure } from './platform-http.ts'

class Failed extends Error {
  constructor(readonly failure: JsonReplyFailure) {
    super(failure.kind)
  }
}
const fail = (f: JsonReplyFailure) => new Failed(f)
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof Failed ? e.failure : e),
  )

// A real server: the replies below are what a platform (or something in its place) could send.
let server: Server
let base: string
const seen: { headers: Record<string, string | string[] | undefined>; body: string }[] = []
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ headers: req.headers, body })
      const path = req.url ?? ''
      if (path === '/slow') return void setTimeout(() => res.end('{}'), 2000)
      if (path === '/big-declared') {
        res.writeHead(200, { 'content-length': String(2048) })
        return void res.end('x'.repeat(2048))
      }
      if (path === '/big-chunked') {
        res.writeHead(200) // no Content-Length: the length shows only while reading
        for (let i = 0; i < 8; i++) res.write('y'.repeat(512))
        return void res.end()
      }
      if (path === '/array') return void res.end('[1]')
      if (path === '/html') return void res.writeHead(502).end('<html>bad gateway</html>')
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"echo":${JSON.stringify(body)}}`)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address()
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const realFetch = globalThis.fetch as unknown as FetchLike
const input = (path: string, extra: Partial<Parameters<typeof postText>[0]> = {}) => ({
  fetch: realFetch,
  url: `${base}${path}`,
  body: 'a=1&b=2',
  timeoutMs: 1000,
  ...extra,
})

describe('postText', () => {
  it('sends the text and headers as given and answers the status and text', async () => {
    const r = await postText(input('/echo', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), fail)
    expect(r).toEqual({ status: 200, text: '{"echo":"a=1&b=2"}' })
    expect(seen.at(-1)?.headers['content-type']).toBe('application/x-www-form-urlencoded')
  })

  it('names a timeout, an unreachable platform and a reply over the limit', async () => {
    expect(await failureOf(postText(input('/slow', { timeoutMs: 100 }), fail))).toEqual({
      kind: 'timeout',
      timeoutMs: 100,
    })
    expect(await failureOf(postText({ ...input('/'), url: 'http://127.0.0.1:1/' }, fail))).toMatchObject({
      kind: 'network',
    })
    for (const path of ['/big-declared', '/big-chunked'])
      expect(await failureOf(postText(input(path, { maxReplyBytes: 1024 }), fail))).toEqual({
        kind: 'too_large',
        status: 200,
        maxBytes: 1024,
      })
    // at the limit is fine
    expect((await postText(input('/big-chunked', { maxReplyBytes: 4096 }), fail)).text).toHaveLength(4096)
  })

  it('limits a reply read without a stream (a fetch that has only text())', async () => {
    const textOnly: FetchLike = async () => ({ status: 200, text: async () => '中'.repeat(400) }) // 1200 bytes
    expect(await failureOf(postText({ ...input('/'), fetch: textOnly, maxReplyBytes: 1000 }, fail))).toEqual({
      kind: 'too_large',
      status: 200,
      maxBytes: 1000,
    })
    expect((await postText({ ...input('/'), fetch: textOnly, maxReplyBytes: 1200 }, fail)).text).toHaveLength(400)
  })
})

describe('postJson', () => {
  it('sends JSON headers and answers the reply object', async () => {
    const r = await postJson({ ...input('/echo'), body: '{"x":1}' }, fail)
    expect(r).toEqual({ status: 200, reply: { echo: '{"x":1}' } })
    expect(seen.at(-1)?.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
    })
  })

  it('names a reply that is not JSON or not an object, with its status', async () => {
    expect(await failureOf(postJson(input('/html'), fail))).toEqual({ kind: 'not_json', status: 502 })
    expect(await failureOf(postJson(input('/array'), fail))).toEqual({ kind: 'not_object', status: 200 })
  })
})
