/**
 * `upkit/server`: the framework-agnostic core (signing, tokens over a KvStore, the call budget,
 * platform clients, notification verifiers), the kit's routes as `createUpkitServer().handle`,
 * an express/connect middleware and a fastify plugin.
 */
export {
  createUpkitServer,
  KIT_ROUTES,
  OPEN_PLATFORM_URL,
  type UpkitHooks,
  type UpkitLogin,
  type UpkitServer,
  type UpkitServerOptions,
  type VerifiedParams,
} from './core.ts'
export type { KitRequest, KitResponse } from './http.ts'
export { upkitExpress, type ExpressNative, type UpkitMiddleware } from './express.ts'
export { upkitFastify, type FastifyNative } from './fastify.ts'

// signing and crypto (seed 003 2.4.1, appendix 5; 3DES)
export { createNonceStr, safeEqual, sha256Hex, sortedJoin, unionpaySignature } from '../../server/crypto/signing.ts'
export { parsePrivateKey, parsePublicKey, signNotification, verifyNotification } from '../../server/crypto/rsa.ts'
export { tdesDecrypt, tdesEncrypt } from '../../server/crypto/tdes.ts'
export { normaliseSignedUrl, signUpsdkConfig } from '../../server/unionpay/upsdk-config.ts'
export type { UpsdkConfigSignature } from '../../common/api.ts'

// tokens, KV stores, call budget
export { TokenManager, type TokenKind, type TokenManagerOptions } from '../../server/unionpay/tokens.ts'
export type { KvStore } from '../../server/store/kv.ts'
export { MemoryKv } from '../../server/store/memory-kv.ts'
export { RedisKv } from '../../server/store/redis-kv.ts'
export { CallBudget, type CallBudgetOptions } from '../../server/unionpay/budget.ts'

// platform clients and their errors
export { UnionpayClient, type UnionpayClientOptions } from '../../server/unionpay/client.ts'
export { UnionpayError } from '../../server/unionpay/errors.ts'
export { exchangeCode, buildAuthorizeUrl, decodeCode, type ExchangedToken } from '../../server/unionpay/oauth.ts'
export { ContractApi } from '../../server/unionpay/contract.ts'
export { ChinaumsClient, type ChinaumsClientOptions } from '../../server/chinaums/client.ts'
export { ChinaumsError } from '../../server/chinaums/errors.ts'
export { AcpClient, AcpError, type AcpClientOptions } from '../../server/acp/client.ts'
export { DomainError } from '../../server/errors.ts'

// notification verifiers
export { notificationParams } from '../../server/unionpay/notification.ts'
export { notifySign, verifyNotifySign } from '../../server/chinaums/sign.ts'
export { readNotifyFields, type NotifyFields } from '../../server/chinaums/notify-params.ts'
export { AcpVerifier, type VerifyResult } from '../../server/acp/verify.ts'
