/** 全渠道 feature errors; routes map them to HTTP answers in one place (routes.ts). */
export type AcpErrorKind = 'invalid' | 'not_found' | 'conflict' | 'limit' | 'refused' | 'unavailable'

export class AcpFeatureError extends Error {
  constructor(
    readonly kind: AcpErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AcpFeatureError'
  }
}
