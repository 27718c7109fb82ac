// Type-checks against every entry point: real types, not `any` (the @ts-expect-error lines fail otherwise).
import Fastify from 'fastify'
import express from 'express'
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { createUpsdkClient, isCloudpayUserAgent, loadUpsdk, UpsdkError, plugins, type UpsdkStatus } from 'upkit/upsdk'
import { createUpsdk, useUpsdk, useBluetooth, useHce, usePay, useAuth } from 'upkit/vue'
import { installStub, type InstalledUpsdkStub } from 'upkit/stub'
import {
  createUpkitServer,
  MemoryKv,
  signUpsdkConfig,
  upkitExpress,
  upkitFastify,
  verifyNotifySign,
  type UpkitLogin,
} from 'upkit/server'
import { startSandbox, type RunningSandbox } from 'upkit/sandbox'

const status: UpsdkStatus = createUpsdkClient({ userAgent: 'x' }).state.status
const inApp: boolean = isCloudpayUserAgent(navigator.userAgent)
const loaded: Promise<unknown> = loadUpsdk({ timeoutMs: 5000 })
const err = new UpsdkError('c05', 'msg', 'sdk')
void [status, inApp, loaded, err.code, plugins.closeWebApp]
// @ts-expect-error status is a union of known names
const wrong: UpsdkStatus = 'nope'
void wrong

createApp({})
  .use(createPinia())
  .use(createUpsdk({ eager: false }))
const composables = [useUpsdk, useBluetooth, useHce, usePay, useAuth] as const
void composables

async function browserTest(): Promise<InstalledUpsdkStub> {
  const { handle } = await installStub({ bridgeDelayMs: 0 })
  handle.script('scanQRCode', { answer: 'hello' })
  return handle
}
void browserTest

async function serverSide(): Promise<void> {
  const sandbox: RunningSandbox = await startSandbox()
  const kit = createUpkitServer({
    publicBaseUrl: 'https://shop.example.com',
    unionpay: { ...sandbox.keys.unionpay, baseUrl: sandbox.urls.unionpay },
    kv: new MemoryKv(),
  })
  const signed = await kit.signConfig('https://shop.example.com/pay')
  const sig: string = signed.signature
  const again = signUpsdkConfig('appId', 'frontToken', 'https://shop.example.com/')
  // @ts-expect-error a signature has no such field
  void again.secret
  const ok: boolean = verifyNotifySign({ sign: 'x' }, 'key')
  const app = express()
  app.use(
    upkitExpress({
      publicBaseUrl: 'https://shop.example.com',
      unionpay: { appId: 'a', secret: 's' },
      onLogin: (login: UpkitLogin, { res }) => void res.setHeader('x-open-id', login.openId),
    }),
  )
  const f = Fastify()
  await f.register(upkitFastify, {
    publicBaseUrl: 'https://shop.example.com',
    unionpay: { appId: 'a', secret: 's' },
    onLogin: async (login, { reply }) => void reply.header('x-open-id', login.openId),
  })
  void [sig, ok, f.upkit.tokens]
  await sandbox.close()
}
void serverSide
