import type { DomainErrorKind } from '../errors.ts'

/** The HTTP status of each domain error kind: the one place where domain meets HTTP. */
export const STATUS_OF_KIND: Readonly<Record<DomainErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many: 429,
  unavailable: 503,
  upstream: 502,
}
