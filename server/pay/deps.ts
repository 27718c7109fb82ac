import type { FastifyBaseLogger } from 'fastify'
import type { ChinaumsClient } from '../chinaums/client.ts'
import type { Config } from '../config.ts'
import type { PayRecords } from './records.ts'

/** What every payment use case is built from (by the composition root). */
export interface PayDeps {
  config: Config
  records: PayRecords
  client: ChinaumsClient
  clock: () => number
  log: FastifyBaseLogger
}
