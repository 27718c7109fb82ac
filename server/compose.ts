import { ChinaumsClient } from './chinaums/client.ts'
import type { AppContext } from './context.ts'
import { ContractRepo } from './contract/repo.ts'
import { ContractService } from './contract/service.ts'
import { periodicJob, type Job } from './jobs.ts'
import { OauthService } from './oauth/service.ts'
import { OrderStore } from './pay/orders.ts'
import { Reconciler } from './pay/reconcile.ts'
import { PayService } from './pay/service.ts'
import { SandboxTnProvider } from './pay/tn.ts'
import { UserStore } from './session/users.ts'
import { ContractApi } from './unionpay/contract.ts'

export interface PayModule {
  service: PayService
  store: OrderStore
  reconciler: Reconciler
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Payments (issue 5): exposed for tests and scripts. */
    pay: PayModule
  }
}

/** Every feature's services, built once per app from the AppContext. */
export interface Services {
  oauth: OauthService
  contract: { service: ContractService; repo: ContractRepo; api: ContractApi }
  pay: PayModule
}

/**
 * The composition root: the one place where services and background jobs are built. Route
 * modules receive what they need from here and build nothing themselves; `buildApp` starts
 * the jobs when the app is ready and stops them on close.
 */
export function buildServices(ctx: AppContext): { services: Services; jobs: Job[] } {
  const { config, clock, log } = ctx
  const appId = config.unionpay.appId

  const users = new UserStore(ctx.db, clock)
  const oauth = new OauthService({
    db: ctx.db,
    kv: ctx.kv,
    sessions: ctx.sessions,
    users,
    unionpay: ctx.unionpay,
    tokens: ctx.tokens,
    appId,
    symmetricKey: config.unionpay.symmetricKey,
    upPublicKey: ctx.upPublicKey,
    clock,
    log,
  })

  const contractRepo = new ContractRepo(ctx.db, clock)
  const contractApi = new ContractApi({ client: ctx.unionpay, tokens: ctx.tokens, appId })
  const contract = new ContractService({ repo: contractRepo, api: contractApi, appId, clock, upPublicKey: ctx.upPublicKey })

  const chinaums = new ChinaumsClient({ ...config.chinaums, clock })
  const orders = new OrderStore(ctx.sqlite, clock)
  const pay = new PayService({
    config,
    store: orders,
    client: chinaums,
    tn: config.sandbox ? new SandboxTnProvider(chinaums) : null,
    clock,
    log,
  })
  const reconciler = new Reconciler({ service: pay, clock, log })

  const jobs: Job[] = [
    // Attempts left `applying` by a crash are settled through contract.info: first shortly after
    // start (the platform may be this very process in sandbox mode), then every 5 min.
    periodicJob({
      name: 'contract-sweep',
      firstAfterMs: 10_000,
      everyMs: 5 * 60_000,
      run: () => contract.sweepStale(),
      log,
      doneMessage: 'settled contract attempts left by a crash',
    }),
    // Orders and refunds whose outcome is unknown, on the pay schedule (pay/schedule.ts).
    { name: 'pay-reconcile', start: () => reconciler.start(), stop: () => reconciler.stop() },
  ]

  return {
    services: {
      oauth,
      contract: { service: contract, repo: contractRepo, api: contractApi },
      pay: { service: pay, store: orders, reconciler },
    },
    jobs,
  }
}
