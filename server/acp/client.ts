import { postText, type FetchLike, type TransportFailure } from '../platform-http.ts'
import { compactTimestamp } from '../time.ts'
import type { SigningIdentity } from './certs.ts'
import { classify, respMessage, type Outcome } from './codes.ts'
import { CONTRACT_CONSUME, contractFields } from './contract-carrier.ts'
import { encryptSensitive, type EncryptCerts } from './encrypt.ts'
import { encodeForm, parseAnswer, withoutEmpty, type AcpFields } from './message.ts'
import { signFields } from './sign.ts'
import type { AcpVerifier } from './verify.ts'

export const ACP_PATHS = {
  front: '/gateway/api/frontTransReq.do',
  app: '/gateway/api/appTransReq.do',
  back: '/gateway/api/backTransReq.do',
  query: '/gateway/api/queryTrans.do',
} as const

export interface AcpAnswer {
  fields: AcpFields
  respCode: string
  respMsg: string
  outcome: Outcome
}

/** The call could not be completed or its answer cannot be trusted: the outcome is unknown. */
export class AcpError extends Error {
  readonly outcome = 'unknown' as const
  constructor(
    readonly kind: 'timeout' | 'network' | 'http' | 'malformed' | 'unverified',
    message: string,
  ) {
    super(message)
    this.name = 'AcpError'
  }
}

function transportError(f: TransportFailure): AcpError {
  switch (f.kind) {
    case 'timeout':
      return new AcpError('timeout', `全渠道 did not answer within ${f.timeoutMs} ms`)
    case 'network':
      return new AcpError('network', '全渠道 unreachable')
    case 'too_large':
      return new AcpError('malformed', `全渠道 answered over ${f.maxBytes} bytes (HTTP ${f.status})`)
  }
}

export interface AcpClientOptions {
  baseUrl: string
  merId: string
  identity: SigningIdentity
  verifier: AcpVerifier
  encryptCerts: EncryptCerts
  timeoutMs: number
  clock: () => number
  fetch?: FetchLike
}

export interface OrderRef {
  orderId: string
  /** yyyyMMddHHmmss (Beijing) of the original request. */
  txnTime: string
}

/** Void (31) or refund (04) of a consume; `bizType` is the consume's product (default 000201). */
export type ReversalRequest = OrderRef & { txnAmt: number; origQryId: string; backUrl: string; bizType?: string }

/** The 全渠道 gateway client: signs, posts form-encoded, verifies and classifies the answer. */
export class AcpClient {
  private readonly fetch: FetchLike

  constructor(private readonly o: AcpClientOptions) {
    this.fetch = o.fetch ?? (globalThis.fetch as unknown as FetchLike)
  }

  txnTime(): string {
    return compactTimestamp(this.o.clock())
  }

  /** Signs the common fields plus `fields`; what is signed is exactly what is sent. */
  sign(fields: AcpFields): AcpFields {
    const msg = withoutEmpty({
      version: '5.1.0',
      encoding: 'UTF-8',
      signMethod: '01',
      accessType: '0',
      merId: this.o.merId,
      certId: this.o.identity.certId,
      ...fields,
    })
    return { ...msg, signature: signFields(msg, this.o.identity.privateKey) }
  }

  /** A front-end transaction: the signed fields the buyer's browser posts to the gateway. */
  frontForm(fields: AcpFields): { action: string; fields: AcpFields } {
    return { action: `${this.o.baseUrl}${ACP_PATHS.front}`, fields: this.sign(fields) }
  }

  /** A transaction on the gateway origin (`path` is one of ACP_PATHS). */
  call(path: string, fields: AcpFields): Promise<AcpAnswer> {
    return this.post(`${this.o.baseUrl}${path}`, fields)
  }

  /**
   * Signs, posts, parses, verifies and classifies; `url` may be another origin (file transfer,
   * whose answers carry a whole file: it passes a larger `maxReplyBytes`).
   */
  async post(url: string, fields: AcpFields, options: { maxReplyBytes?: number } = {}): Promise<AcpAnswer> {
    const { status, text } = await postText(
      {
        fetch: this.fetch,
        url,
        body: encodeForm(this.sign(fields)),
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        timeoutMs: this.o.timeoutMs,
        ...options,
      },
      transportError,
    )
    if (status !== 200) throw new AcpError('http', `全渠道 answered HTTP ${status}`)
    let answer: AcpFields
    try {
      answer = parseAnswer(text)
    } catch (e) {
      throw new AcpError('malformed', e instanceof Error ? e.message : 'malformed answer')
    }
    const v = this.o.verifier.verify(answer)
    if (!v.ok) throw new AcpError('unverified', `answer not verified: ${v.reason}`)
    const respCode = answer.respCode ?? ''
    return {
      fields: answer,
      respCode,
      respMsg: answer.respMsg ?? respMessage(respCode),
      outcome: classify(respCode || undefined),
    }
  }

  /** 手机控件 consume (appTransReq): the answer's `tn` goes to `upsdk.pay({tn})`. */
  appConsume(p: OrderRef & { txnAmt: number; backUrl: string; reqReserved?: string }): Promise<AcpAnswer> {
    return this.call(ACP_PATHS.app, {
      txnType: '01',
      txnSubType: '01',
      bizType: '000201',
      channelType: '08',
      orderId: p.orderId,
      txnTime: p.txnTime,
      txnAmt: String(p.txnAmt),
      currencyCode: '156',
      backUrl: p.backUrl,
      reqReserved: p.reqReserved ?? '',
    })
  }

  /** Back-end consume against a signed 无感支付 contract (see contract-carrier.ts). */
  contractConsume(p: OrderRef & { txnAmt: number; backUrl: string; contractId: string }): Promise<AcpAnswer> {
    return this.call(ACP_PATHS.back, {
      ...CONTRACT_CONSUME,
      ...contractFields(p.contractId),
      orderId: p.orderId,
      txnTime: p.txnTime,
      txnAmt: String(p.txnAmt),
      currencyCode: '156',
      backUrl: p.backUrl,
    })
  }

  /** 消费撤销 (31): same day, the full amount; `origQryId` is the consume's queryId. */
  voidConsume(p: ReversalRequest): Promise<AcpAnswer> {
    return this.reversal('31', p)
  }

  /** 退货 (04): partial and repeated, up to what was paid. */
  refund(p: ReversalRequest): Promise<AcpAnswer> {
    return this.reversal('04', p)
  }

  /** 31 and 04 carry the same fields: an amount taken back from the consume `origQryId`. */
  private reversal(txnType: '31' | '04', p: ReversalRequest): Promise<AcpAnswer> {
    return this.call(ACP_PATHS.back, {
      txnType,
      txnSubType: '00',
      bizType: p.bizType ?? '000201',
      channelType: '08',
      orderId: p.orderId,
      txnTime: p.txnTime,
      txnAmt: String(p.txnAmt),
      origQryId: p.origQryId,
      backUrl: p.backUrl,
    })
  }

  /** 交易状态查询 (00): the original's outcome is in `origRespCode`. */
  query(p: OrderRef): Promise<AcpAnswer> {
    return this.call(ACP_PATHS.query, {
      txnType: '00',
      txnSubType: '00',
      bizType: '000000',
      orderId: p.orderId,
      txnTime: p.txnTime,
    })
  }

  /** 加密公钥更新查询 (95): answers the current encryption certificate in `encryptPubKeyCert`. */
  encryptCertQuery(p: OrderRef): Promise<AcpAnswer> {
    return this.call(ACP_PATHS.back, {
      txnType: '95',
      txnSubType: '00',
      bizType: '000000',
      channelType: '07',
      certType: '01',
      orderId: p.orderId,
      txnTime: p.txnTime,
    })
  }

  /** The serial of the certificate `encrypt` uses now (the `encryptCertId` field). */
  encryptCertId(): string {
    return this.o.encryptCerts.current().certId
  }

  /** Encrypts a sensitive field and names the certificate used. */
  encrypt(plain: string): { value: string; encryptCertId: string } {
    const cert = this.o.encryptCerts.current()
    return { value: encryptSensitive(plain, cert), encryptCertId: cert.certId }
  }
}
