// A merchant's existing express server with upkit's routes mounted, against the sandbox.
import express from 'express'
import { upkitExpress } from 'upkit/server'
import { startSandbox } from 'upkit/sandbox'

const port = Number(process.env.PORT)
const pageOrigin = process.env.PAGE_ORIGIN
const sandbox = await startSandbox({ appBaseUrl: `http://127.0.0.1:${port}` })
const relieved = []
const acpSettled = []

const app = express()
app.use(
  upkitExpress({
    publicBaseUrl: `http://127.0.0.1:${port}`,
    unionpay: {
      ...sandbox.keys.unionpay,
      baseUrl: sandbox.urls.unionpay,
      upsdkAllowedOrigins: [`http://127.0.0.1:${port}`, pageOrigin],
    },
    onContractRelieved: async (params) => {
      relieved.push({ openId: params.openId, contractId: params.contractId })
    },
    acp: sandbox.keys.acp,
    onAcpNotify: async (fields) => {
      acpSettled.push({ orderId: fields.orderId, respCode: fields.respCode, txnAmt: fields.txnAmt })
    },
    onLogin: async (login, { res }) => {
      res.setHeader('set-cookie', `merchant_session=${login.openId}; HttpOnly; Path=/`)
    },
  }),
)
// The merchant's own routes keep working beside the kit's.
app.get('/hello', (_req, res) => res.json({ hello: 'merchant' }))
// Test controls: make the sandbox send a signed 解约结果通知, and show what the app received.
app.post('/proof/relieve', express.json(), async (req, res) => {
  res.json(await sandbox.controls.notifyContractRelieved(req.body))
})
app.get('/proof/relieved', (_req, res) => res.json(relieved))
// a 全渠道 notification signed by the sandbox gateway, and what the app received
app.post('/proof/acp-sign', express.json(), (req, res) => res.json(sandbox.controls.signAcpNotification(req.body)))
app.get('/proof/acp-settled', (_req, res) => res.json(acpSettled))

const server = app.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, sandbox: sandbox.url }))
})
const stop = () => server.close(() => sandbox.close().then(() => process.exit(0)))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
