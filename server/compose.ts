import { AcpClient } from './acp/client.ts'
import { EncryptCerts } from './acp/encrypt.ts'
import { AcpRepo } from './acp/repo.ts'
import { AcpService } from './acp/service.ts'
import { AcpTnProvider } from './acp/tn-provider.ts'
import { AcpVerifier } from './acp/verify.ts'
import { NojumpClient } from './acp/nojump/client.ts'
import { NojumpRepo } from './acp/nojump/repo.ts'
import { NojumpService } from './acp/nojump/service.ts'
import { buildReconcile } from './acp/reconcile/index.ts'
import { nojumpSource } from './acp/reconcile/nojump-source.ts'
import { preauthSource } from './acp/reconcile/preauth-source.ts'
import { buildPreauth } from './acp/preauth/index.ts'
import type { PreauthService } from './acp/preauth/service.ts'
import type { ReconcileService } from './acp/reconcile/service.ts'
import { ChinaumsClient } from './chinaums/client.ts'
import type { AppContext } from './context.ts'
import { ContractRepo } from './contract/repo.ts'
import { parsePrivateKey } from './crypto/rsa.ts'
import { MarketingRepo } from './marketing/repo.ts'
import { MarketingService, type MarketingModule } from './marketing/service.ts'
import { ContractService } from './contract/service.ts'
import { periodicJob, type Job } from './jobs.ts'
import { OauthService } from './oauth/service.ts'
import { IllegalTransitionError } from './pay/errors.ts'
import { createPay, type PayModule } from './pay/index.ts'
import type { OrderStore } from './pay/orders.ts'
import { openPayRecords } from './pay/records.ts'
import { SandboxTnProvider } from './pay/tn.ts'
import { PayPwdRepo } from './paypwd/repo.ts'
import { PayPwdService } from './paypwd/service.ts'
import { UserStore } from './oauth/repo.ts'
import { ContractApi } from './unionpay/contract.ts'
import { pushMessage } from './unionpay/msg-push.ts'
import type { OpenApiDeps } from './unionpay/open-api.ts'

/** Every feature's services, built once per app from the AppContext. */
export interface Services {
  oauth: OauthService
  contract: { service: ContractService; repo: ContractRepo; api: ContractApi }
  pay: PayModule
  /** 全渠道; null when UNIONPAY_ACP_* is not configured (its routes answer 503). */
  acp: AcpService | null
  /** 银联无跳转支付 (token payment); null without 全渠道 or without UNIONPAY_ACP_TR_ID. */
  nojump: NojumpService | null
  /** 预授权 on 无跳转 tokens (docs/preauth.md); null without 全渠道 + token requestor id. */
  preauth: PreauthService | null
  /** 全渠道 reconciliation file (docs/reconcile.md); null without 全渠道. */
  reconcile: ReconcileService | null
  /** 支付密码验证 (seed 003 5.3) */
  payPwd: PayPwdService
  /** 消息推送 and 红包/抽奖 (5.5, 5.8) */
  marketing: MarketingModule
  /** What the 5.3/5.5–5.8 client functions take (also 5.6 return.tax and 5.7 putIndustryCard, which no page uses yet). */
  openApi: OpenApiDeps
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
  const contract = new ContractService({
    repo: contractRepo,
    api: contractApi,
    appId,
    clock,
    upPublicKey: ctx.upPublicKey,
  })

  const chinaums = new ChinaumsClient({ ...config.chinaums, clock })
  const records = openPayRecords(ctx.db, clock)
  const acpParts = buildAcpParts(ctx)
  const acp = acpParts && buildAcp(ctx, contractApi, records.orders, acpParts)
  const nojump = acpParts && buildNojump(ctx, acpParts)
  // 全渠道 issues the tn when configured (also in the sandbox); the 银商-style sandbox issuer otherwise.
  const preauth = acpParts && nojump ? buildPreauth(ctx, acpParts, nojump.repo) : null
  const reconcile = acp
    ? buildReconcile(ctx, acp, [
        ...(nojump ? [nojumpSource(nojump.repo, nojump)] : []),
        ...(preauth ? [preauthSource(preauth.repo, preauth)] : []),
      ])
    : null
  const tn = acp ? new AcpTnProvider(acp) : config.sandbox ? new SandboxTnProvider(chinaums) : null
  const pay = createPay({ config, records, client: chinaums, clock, log }, tn)

  // 5.3 / 5.5–5.8 (docs/open-apis.md): one set of deps for every client function.
  const openApi: OpenApiDeps = {
    client: ctx.unionpay,
    tokens: ctx.tokens,
    appId,
    symmetricKey: config.unionpay.symmetricKey,
    privateKey: config.unionpay.privateKey ? parsePrivateKey(config.unionpay.privateKey) : null,
    clock,
  }
  const payPwd = new PayPwdService({
    repo: new PayPwdRepo(ctx.db, clock),
    api: openApi,
    merchantId: config.unionpay.payPwdMerchantId,
    bizType: config.unionpay.payPwdBizType,
    notifyUrl: `${config.publicBaseUrl}/notify/unionpay/pay-password`,
    upPublicKey: ctx.upPublicKey,
  })
  const marketing: MarketingModule = {
    service: new MarketingService({
      repo: new MarketingRepo(ctx.db, clock),
      api: openApi,
      insAcctId: config.unionpay.insAcctId,
      qualNum: config.unionpay.qualNum,
      activityNumber: config.unionpay.activityNumber,
    }),
    push: (input) => pushMessage(openApi, config.unionpay.upsdkAllowedOrigins, input),
  }

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
    { name: 'pay-reconcile', start: () => pay.reconciler.start(), stop: () => pay.reconciler.stop() },
  ]
  if (acp) {
    jobs.push(
      // Unknown 全渠道 outcomes: each order is queried when due (5 min after, then acp/rules.ts); rows are claimed.
      periodicJob({
        name: 'acp-checks',
        firstAfterMs: 30_000,
        everyMs: 30_000,
        run: () => acp.checkDue(),
        log,
        doneMessage: 'queried 全渠道 orders with an unknown outcome',
      }),
      ...(nojump
        ? [
            periodicJob({
              name: 'acp-nojump-checks',
              firstAfterMs: 30_000,
              everyMs: 30_000,
              run: () => nojump.checkDue(),
              log,
              doneMessage: 'queried 无跳转 orders with an unknown outcome',
            }),
          ]
        : []),
      // 加密公钥更新查询 (95) soon after start (the configured certificate may have been replaced
      // while this instance was down), then once a day (seed 000).
      periodicJob({
        name: 'acp-encrypt-cert',
        firstAfterMs: 5 * 60_000,
        everyMs: 24 * 3600_000,
        run: async () => Number(await acp.refreshEncryptCert()),
        log,
        doneMessage: 'adopted a new 全渠道 encryption certificate',
      }),
    )
  }
  if (preauth)
    jobs.push(
      // Pre-authorisation outcomes left unknown: queried when due, like the other 全渠道 orders.
      periodicJob({
        name: 'acp-preauth-checks',
        firstAfterMs: 30_000,
        everyMs: 30_000,
        run: () => preauth.checkDue(),
        log,
        doneMessage: 'queried 全渠道 pre-authorisations with an unknown outcome',
      }),
    )
  if (reconcile)
    jobs.push(
      // The last closed settle day's file (available the next morning): tried hourly until reconciled, once per day.
      periodicJob({
        name: 'acp-reconcile',
        firstAfterMs: 60_000,
        everyMs: 3600_000,
        run: () => reconcile.runDue(),
        log,
        doneMessage: 'reconciled a 全渠道 settle day',
      }),
    )

  return {
    services: {
      oauth,
      contract: { service: contract, repo: contractRepo, api: contractApi },
      pay,
      acp,
      nojump,
      preauth,
      reconcile,
      payPwd,
      marketing,
      openApi,
    },
    jobs,
  }
}

interface AcpParts {
  cfg: NonNullable<AppContext['config']['acp']>
  verifier: AcpVerifier
  encryptCerts: EncryptCerts
  client: AcpClient
  repo: AcpRepo
}

/** The 全渠道 client and its crypto, shared by every product on it; null when not configured. */
function buildAcpParts(ctx: AppContext): AcpParts | null {
  const cfg = ctx.config.acp
  if (!cfg) return null
  const verifier = new AcpVerifier(cfg.trust, { allowTestCn: cfg.allowTestCn, clock: ctx.clock })
  const encryptCerts = new EncryptCerts(cfg.encryptCert)
  const client = new AcpClient({
    baseUrl: cfg.baseUrl,
    merId: cfg.merId,
    identity: cfg.identity,
    verifier,
    encryptCerts,
    timeoutMs: cfg.timeoutMs,
    clock: ctx.clock,
  })
  return { cfg, verifier, encryptCerts, client, repo: new AcpRepo(ctx.db, ctx.clock) }
}

/** 银联无跳转支付 on the same 全渠道 client; null without a token requestor id. */
function buildNojump(ctx: AppContext, p: AcpParts): NojumpService | null {
  if (!p.cfg.trId) return null
  return new NojumpService({
    repo: new NojumpRepo(ctx.db, ctx.clock),
    client: new NojumpClient(p.client, p.cfg.trId),
    verifier: p.verifier,
    notifications: p.repo,
    merId: p.cfg.merId,
    backUrl: `${ctx.config.publicBaseUrl}/notify/unionpay/acp/nojump`,
    frontUrl: `${ctx.config.publicBaseUrl}/pay/return/nojump`,
    clock: ctx.clock,
    log: ctx.log,
  })
}

/** The 全渠道 feature (tn, contract charges) from the validated config. */
function buildAcp(ctx: AppContext, contracts: ContractApi, payOrders: OrderStore, p: AcpParts): AcpService {
  const { cfg, verifier, encryptCerts, client } = p
  return new AcpService({
    config: cfg,
    repo: p.repo,
    client,
    verifier,
    encryptCerts,
    backUrl: `${ctx.config.publicBaseUrl}/notify/unionpay/acp`,
    appId: ctx.config.unionpay.appId,
    clock: ctx.clock,
    log: ctx.log,
    userOwes: async (openId) => (await contracts.status({ openId })).owing,
    onTnSettled: async (payOrderId, status, detail) => {
      try {
        await payOrders.transition(payOrderId, status === 'SUCCESS' ? 'TRADE_SUCCESS' : 'TRADE_CLOSED', 'acp', detail)
      } catch (e) {
        if (!(e instanceof IllegalTransitionError)) throw e
        // Paid through 全渠道 while the pay order is closed here: money is taken, a person must look.
        if (status === 'SUCCESS')
          ctx.log.error(
            { payOrderId, from: e.from },
            'acp tn paid for a pay order that cannot move to TRADE_SUCCESS — check it by hand',
          )
      }
    },
  })
}
