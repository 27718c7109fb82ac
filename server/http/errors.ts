import type { ApiErrorCode } from '../../common/api.ts'

/**
 * The one error type routes throw. It becomes `{"error":{"code","message"}}` with `status`;
 * `message` is shown to users, so it must never carry secrets.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const badRequest = (code: ApiErrorCode, message: string, details?: Record<string, unknown>) =>
  new AppError(400, code, message, details)
export const unauthorized = (code: ApiErrorCode, message: string) => new AppError(401, code, message)
export const forbidden = (code: ApiErrorCode, message: string) => new AppError(403, code, message)
export const notFound = (code: ApiErrorCode, message: string) => new AppError(404, code, message)
export const conflict = (code: ApiErrorCode, message: string) => new AppError(409, code, message)
export const unavailable = (code: ApiErrorCode, message: string) => new AppError(503, code, message)
export const badGateway = (code: ApiErrorCode, message: string, details?: Record<string, unknown>) =>
  new AppError(502, code, message, details)
