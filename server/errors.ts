import type { ApiErrorCode } from '../common/api.ts'

/**
 * What a rule refused, in domain terms. Domain code (services, platform clients) throws these and
 * never an HTTP status: the one mapper in `http/error-handler.ts` turns `kind` into the status and
 * the `{"error":{"code","message"}}` body. `message` is shown to users, so it never carries secrets.
 */
export type DomainErrorKind =
  /** the caller's input breaks a rule (400) */
  | 'invalid'
  /** no valid login or authorisation (401) */
  | 'unauthenticated'
  /** not allowed for this caller or configuration (403) */
  | 'forbidden'
  | 'not_found'
  /** the current state does not allow it (409) */
  | 'conflict'
  /** this caller has used its share for now; try later (429) */
  | 'too_many'
  /** a dependency is busy or not configured; try later (503) */
  | 'unavailable'
  /** a platform answered something we cannot use (502) */
  | 'upstream'

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}
