import { randomBytes, X509Certificate } from 'node:crypto'
import type { KvStore } from '../store/kv.ts'

export interface SharedEncryptCertOptions {
  /** The store every instance shares (Redis with several instances). */
  kv: KvStore
  merId: string
  /** 加密公钥更新查询 (95): the gateway's certificate, chain-checked; null when the query gave none. */
  query: () => Promise<X509Certificate | null>
  /** Takes a certificate into use when acceptable (chain, validity, not older); true when it changed. */
  adopt: (cert: X509Certificate) => boolean
  /** How long one 95 answer holds for every instance (seed 000: once a day). */
  checkEveryMs: number
  /** How long the instance querying may hold the query; longer than the call's timeout. */
  lockTtlMs: number
  clock: () => number
}

/**
 * The encryption certificate update (95) across N instances: one instance queries per period
 * (a KV lock; the answer is marked for the period), and the certificate it adopts is published
 * in the shared store, where every other instance picks it up on its next round — checked again,
 * never trusted for being there. An instance that dies while querying loses its lock after
 * `lockTtlMs`, and no answer was marked, so the next round of any instance queries again.
 */
export class SharedEncryptCert {
  constructor(private readonly o: SharedEncryptCertOptions) {}

  private get keys() {
    const id = this.o.merId
    return {
      cert: `acp-encrypt-cert:${id}`,
      checked: `acp-encrypt-cert-checked:${id}`,
      lock: `lock:acp-encrypt-cert:${id}`,
    }
  }

  /** One round; true when this instance took a newer certificate into use. */
  async round(): Promise<boolean> {
    const { kv } = this.o
    const keys = this.keys
    let changed = await this.adoptShared()
    if (await kv.get(keys.checked)) return changed
    const owner = randomBytes(12).toString('hex')
    if (!(await kv.setIfAbsent(keys.lock, owner, this.o.lockTtlMs))) return changed
    try {
      // another instance may have finished its query between our two reads
      if (await kv.get(keys.checked)) return (await this.adoptShared()) || changed
      const cert = await this.o.query()
      if (!cert) return changed
      changed = this.o.adopt(cert) || changed
      const validForMs = Date.parse(cert.validTo) - this.o.clock()
      if (validForMs > 0) await kv.set(keys.cert, cert.toString(), validForMs)
      await kv.set(keys.checked, '1', this.o.checkEveryMs)
      return changed
    } finally {
      await kv.delIfEquals(keys.lock, owner)
    }
  }

  /** The certificate another instance published, if any and acceptable here. */
  private async adoptShared(): Promise<boolean> {
    const pem = await this.o.kv.get(this.keys.cert)
    if (!pem) return false
    let cert: X509Certificate
    try {
      cert = new X509Certificate(pem)
    } catch {
      return false
    }
    return this.o.adopt(cert)
  }
}
