import type { ErrorCode } from '@sik/contract';

/**
 * Errors a request can end with. Services throw them; the one error handler (http/error-handler.ts) turns them
 * into `{ ok: false, code, message, field? }` with the status carried here.
 */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class InvalidInputError extends ApiError {
  override readonly name = 'InvalidInputError';
  constructor(message: string, field?: string) {
    super('INVALID_INPUT', 400, message, field);
  }
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  constructor(code: 'NOT_FOUND' | 'PERSON_NOT_FOUND' | 'KIOSK_UNKNOWN', message: string) {
    super(code, 404, message);
  }
}

export type AuthErrorCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'KIOSK_UNKNOWN'
  | 'KIOSK_DISABLED'
  | 'TIMESTAMP_SKEW'
  | 'NONCE_REPLAYED'
  | 'PROVISIONING_DENIED';

export class AuthError extends ApiError {
  override readonly name = 'AuthError';
  constructor(code: AuthErrorCode, message: string) {
    super(code, 401, message);
  }
}

export class ServiceNotAuthorisedError extends ApiError {
  override readonly name = 'ServiceNotAuthorisedError';
  constructor(message: string) {
    super('SERVICE_NOT_AUTHORISED', 403, message);
  }
}

export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  constructor(message: string, field?: string) {
    super('CONFLICT', 409, message, field);
  }
}

/** A business rule refuses the request; the message names the rule in words a citizen can be told. */
export class NotEligibleError extends ApiError {
  override readonly name = 'NotEligibleError';
  constructor(message: string, field?: string) {
    super('NOT_ELIGIBLE', 422, message, field);
  }
}

export class PaymentDeclinedError extends ApiError {
  override readonly name = 'PaymentDeclinedError';
  constructor(message: string) {
    super('PAYMENT_DECLINED', 402, message);
  }
}

/** The bank host or payment gateway did not answer in time. */
export class UpstreamUnavailableError extends ApiError {
  override readonly name = 'UpstreamUnavailableError';
  constructor(message: string) {
    super('UPSTREAM_UNAVAILABLE', 502, message);
  }
}

/** A broken invariant on our side (e.g. a response that does not match the contract). */
export class InternalError extends ApiError {
  override readonly name = 'InternalError';
  constructor(message: string) {
    super('INTERNAL', 500, message);
  }
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code = 'MIGRATION_FAILED';
}
