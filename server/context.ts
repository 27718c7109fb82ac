import type { KeyObject } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.ts'
import type { SessionStore } from './session/store.ts'
import type { Db } from './store/kysely-db.ts'
import type { KvStore } from './store/kv.ts'
import type { UnionpayClient } from './unionpay/client.ts'
import type { TokenManager } from './unionpay/tokens.ts'

/** Everything a route module needs, built once by `buildApp` and passed explicitly. */
export interface AppContext {
  config: Config
  /** The record store (SQLite or PostgreSQL through the query builder). */
  db: Db
  kv: KvStore
  sessions: SessionStore
  unionpay: UnionpayClient
  tokens: TokenManager
  log: FastifyBaseLogger
  clock: () => number
  /** upPublicKey, parsed once at start (the config refuses an unreadable one); null when not configured. */
  upPublicKey: KeyObject | null
}
