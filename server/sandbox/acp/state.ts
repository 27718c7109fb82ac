import { randomInt } from 'node:crypto'
import { publicKeyOf } from './crypto.ts'
import { NojumpSandboxState } from './nojump/state.ts'
import { SANDBOX_ACP_MER_ID, type SandboxAcpPki } from './pki.ts'

export type TxnKind =
  | 'app_consume'
  | 'contract_consume'
  | 'token_consume'
  | 'token_open'
  | 'void'
  | 'refund'
  | 'preauth'
  | 'preauth_void'
  | 'completion'
  | 'completion_void'
export type TxnStatus = 'pending' | 'success' | 'failed'

export interface SandboxTxn {
  kind: TxnKind
  merId: string
  orderId: string
  txnTime: string
  txnType: string
  txnSubType: string
  bizType: string
  txnAmt: number
  queryId: string
  status: TxnStatus
  respCode: string
  respMsg: string
  backUrl: string
  reqReserved: string
  tn?: string
  contractId?: string
  /** 无跳转: the token paid with. */
  token?: string
  /** Product fields the notification carries besides the common ones (e.g. tokenPayData, accNo). */
  notifyExtra?: Record<string, string>
  /** 无跳转: reversed by a 99 (the money was never taken). */
  reversed?: boolean
  origQryId?: string
  /** On consumes: refunded so far, and whether voided. */
  refundedAmt: number
  voided: boolean
  /** Whether the merchant answered 200 to a notification; attempts so far. */
  notified: boolean
  notifyAttempts: number
  /** Lost-notification control: never sent. */
  dropNotify: boolean
}

/** What the next money transaction does (one per call, queued). */
export type NextOutcome = 'unknown' | 'lost_notify' | 'insufficient'

export interface EncryptKey {
  certPem: string
  keyPem: string
  certId: string
  /** When a newer key replaced it; accepted until then + overlap. */
  retiredAt?: number
}

const OVERLAP_MS = 30 * 24 * 3600_000

export class AcpSandboxState {
  readonly txns = new Map<string, SandboxTxn>()
  readonly byQueryId = new Map<string, SandboxTxn>()
  readonly byTn = new Map<string, SandboxTxn>()
  readonly next: NextOutcome[] = []
  /** Every request the gateway received (path, txnType, respCode answered). */
  readonly log: { path: string; txnType: string; orderId: string; respCode: string }[] = []
  encryptKeys: EncryptKey[]
  readonly merchantKey
  readonly merId = SANDBOX_ACP_MER_ID
  /** 无跳转 (token payment): SMS codes, tokens, opens. */
  readonly nojump: NojumpSandboxState
  /** The buyer's pay step for a tn, set when the gateway is mounted (the 银商 sandbox's /tn/pay hands 全渠道 tns to it). */
  payTn: ((tn: string, outcome: string) => Promise<{ status: number; body: Record<string, unknown> }>) | null = null

  constructor(
    readonly pki: SandboxAcpPki,
    readonly clock: () => number,
  ) {
    this.encryptKeys = [{ ...pki.initialEncrypt }]
    this.nojump = new NojumpSandboxState(clock)
    this.merchantKey = { certId: pki.merchantCertId, publicKey: publicKeyOf(pki.merchantCertPem) }
  }

  static key(merId: string, orderId: string, txnTime: string): string {
    // orderId is unique per merchant per (Beijing) day: txnTime's first 8 digits.
    return `${merId}:${txnTime.slice(0, 8)}:${orderId}`
  }

  newQueryId(): string {
    for (;;) {
      const id = `${Date.now()}${String(randomInt(0, 1e6)).padStart(6, '0')}`.slice(-21).padStart(21, '9')
      if (!this.byQueryId.has(id)) return id
    }
  }

  newTn(): string {
    for (;;) {
      let tn = '7'
      while (tn.length < 21) tn += String(randomInt(0, 10))
      if (!this.byTn.has(tn)) return tn
    }
  }

  add(t: SandboxTxn): void {
    this.txns.set(AcpSandboxState.key(t.merId, t.orderId, t.txnTime), t)
    this.byQueryId.set(t.queryId, t)
    if (t.tn) this.byTn.set(t.tn, t)
  }

  currentEncrypt(): EncryptKey {
    return this.encryptKeys[0]!
  }

  /** A ciphertext's encryptCertId is accepted when current, or retired less than a month ago. */
  acceptedEncrypt(certId: string): EncryptKey | undefined {
    const now = this.clock()
    return this.encryptKeys.find(
      (k) => k.certId === certId && (k.retiredAt === undefined || now - k.retiredAt < OVERLAP_MS),
    )
  }

  rotateEncrypt(): EncryptKey {
    const fresh = this.pki.newEncryptCert()
    const now = this.clock()
    for (const k of this.encryptKeys) k.retiredAt ??= now
    this.encryptKeys = [fresh, ...this.encryptKeys].slice(0, 3)
    return fresh
  }
}
