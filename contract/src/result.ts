import { z } from 'zod';

/** Completion codes shared by every device call (XFS4IoT vocabulary, STYLE.md rule 4). */
export const CompletionCode = z.enum([
  'success',
  'invalidData',
  'hardwareError',
  'deviceNotReady',
  'userError',
  'timeout',
  'canceled',
]);
export type CompletionCode = z.infer<typeof CompletionCode>;

/** Error codes answered by the server's HTTP API and by agent commands. */
export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'NOT_FOUND',
  'PERSON_NOT_FOUND',
  'SIGNATURE_MISSING',
  'SIGNATURE_INVALID',
  'KIOSK_UNKNOWN',
  'KIOSK_DISABLED',
  'TIMESTAMP_SKEW',
  'NONCE_REPLAYED',
  'PROVISIONING_DENIED',
  'SERVICE_NOT_AUTHORISED',
  'UNAUTHORIZED',
  'WRONG_PHASE',
  'SERVICE_UNAVAILABLE',
  'SIMULATOR_DISABLED',
  'DEVICE_ERROR',
  'SERVER_UNREACHABLE',
  /** The same idempotency key (or case) was used with a different request. */
  'CONFLICT',
  /** A business rule refuses the request (e.g. too young to enroll); the message names the rule. */
  'NOT_ELIGIBLE',
  /** The bank or gateway refused the payment (insufficient funds, wrong PIN, closed account). */
  'PAYMENT_DECLINED',
  /** The bank or payment gateway did not answer; the outcome is found later by querying, never by paying again. */
  'UPSTREAM_UNAVAILABLE',
  /** A device is not ready (offline, paper or media out). */
  'DEVICE_NOT_READY',
  'CANCELED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export type Ok<T> = { ok: true; data: T };
export type Err = { ok: false; code: ErrorCode; message: string; field?: string };
/** Every response, HTTP or socket, has this shape (STYLE.md rule 6). */
export type Result<T> = Ok<T> | Err;

export const ok = <T>(data: T): Ok<T> => ({ ok: true, data });
export const err = (code: ErrorCode, message: string, field?: string): Err =>
  field === undefined ? { ok: false, code, message } : { ok: false, code, message, field };

export const ErrSchema = z.object({
  ok: z.literal(false),
  code: ErrorCode,
  message: z.string(),
  field: z.string().optional(),
});

export function resultSchema<T extends z.ZodType>(data: T) {
  return z.union([z.object({ ok: z.literal(true), data }), ErrSchema]);
}

/** The first problem of a failed zod parse, as a code, a message and the field it names. */
export function describeZodError(error: z.ZodError): Err {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const message = issue ? `${field ?? 'request'}: ${issue.message}` : 'invalid input';
  return err('INVALID_INPUT', message, field);
}
