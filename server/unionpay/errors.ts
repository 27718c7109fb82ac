import { describeUnionpayCode } from './codes.ts'

/** A reply of the 云闪付开放平台 with `resp != "00"`, or a transport failure talking to it. */
export class UnionpayError extends Error {
  /** The appendix-7 meaning of `resp`. */
  readonly meaning: string

  constructor(
    readonly api: string,
    readonly resp: string,
    readonly msg: string,
    readonly kind: 'platform' | 'timeout' | 'network' | 'protocol' = 'platform',
  ) {
    const meaning = kind === 'platform' ? describeUnionpayCode(resp) : resp
    super(`${api}: ${resp} ${msg || meaning}`.trim())
    this.name = 'UnionpayError'
    this.meaning = meaning
  }
}
