import { err } from '@sik/contract';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError, NotFoundError } from '../errors.ts';
import { context } from './request-context.ts';

/** What body-parser attaches to the errors it throws. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

const BODY_PROBLEMS: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'request body is not valid JSON',
  'entity.too.large': 'request body is too large',
  'encoding.unsupported': 'request body encoding is not supported',
  'charset.unsupported': 'request body charset is not supported',
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError('NOT_FOUND', `no route ${req.method} ${req.path}`));
};

/**
 * The one place where exceptions become responses. Known errors carry their code and status; anything else is
 * a bug: logged (name and message only, a database error's detail may hold personal data) and answered 500.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const ctx = context(res);
  let status: number;
  let body: ReturnType<typeof err>;
  if (error instanceof ApiError) {
    status = error.status;
    body = err(error.code, error.message, error.field);
    if (status >= 500)
      ctx.log?.error({ err: { name: error.name, message: error.message } }, 'request failed');
  } else if (isBodyParserError(error) && error.status < 500) {
    status = error.status;
    body = err('INVALID_INPUT', BODY_PROBLEMS[error.type] ?? 'request body cannot be read');
  } else {
    const e = error instanceof Error ? error : new Error(String(error));
    ctx.log?.error({ err: { name: e.name, message: e.message, stack: e.stack } }, 'unexpected error');
    status = 500;
    body = err('INTERNAL', 'internal error');
  }
  ctx.errorCode = body.code;
  res.status(status).json(body);
};
