import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER } from '@sik/contract';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../log.ts';

/** Per-request state kept in res.locals under typed accessors (express types locals as any). */
export interface RequestContext {
  requestId: string;
  log: Logger;
  kioskId?: string;
  /** The error code the request ended with, for the access log. */
  errorCode?: string;
}

export function context(res: Response): RequestContext {
  return res.locals as RequestContext;
}

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the client's x-request-id when it is sane, else a new UUID), echoes it, and writes
 * one access-log line when the response is sent: path without query string, never the body.
 */
export function requestContext(log: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const offered = req.get(REQUEST_ID_HEADER);
    const requestId = offered && ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const ctx = context(res);
    ctx.requestId = requestId;
    ctx.log = log.child({ requestId });
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          kioskId: ctx.kioskId,
          code: ctx.errorCode,
        },
        'request',
      );
    });
    next();
  };
}

/** Raw request bodies, kept for signature checks; a WeakMap so they go with their request. */
const rawBodies = new WeakMap<IncomingMessage, Buffer>();

/** For express.json({ verify }): remembers the exact bytes the JSON was parsed from. */
export function keepRawBody(req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  rawBodies.set(req, buffer);
}

export function rawBodyOf(req: IncomingMessage): Buffer | undefined {
  return rawBodies.get(req);
}
