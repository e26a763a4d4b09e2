/**
 * IPP over HTTP (RFC 8010 section 4): each request is an HTTP POST of an application/ipp body to the printer's
 * URI, and the answer is the body of the HTTP response. Unlike the byte-stream Transport this is request and
 * answer, so it has its own small interface; drivers get one and never call fetch themselves.
 */

export interface IppTransport {
  readonly description: string;
  /** The printer-uri to put in requests (ipp://host:port/path). */
  readonly printerUri: string;
  /** One IPP request; resolves with the answer's bytes or rejects with IppTransportError (or the abort reason). */
  request(body: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
}

export class IppTransportError extends Error {
  override readonly name = 'IppTransportError';
  constructor(
    /** unreachable: no connection; timeout: no whole answer in time; httpStatus: not 200; badUri: cannot use it. */
    readonly code: 'unreachable' | 'timeout' | 'httpStatus' | 'badUri',
    message: string,
  ) {
    super(message);
  }
}

/** ipp://host[:631]/path -> http://host:631/path; ipps -> https (port 443 by default, as for https). */
export function httpUrlOf(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new IppTransportError('badUri', `not a URI: ${uri}`);
  }
  if (url.protocol === 'ipp:' || url.protocol === 'ipps:') {
    const port = url.port || (url.protocol === 'ipp:' ? '631' : '443');
    const scheme = url.protocol === 'ipp:' ? 'http' : 'https';
    return new URL(
      `${scheme}://${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${port}${url.pathname}${url.search}`,
    );
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  throw new IppTransportError('badUri', `not an IPP or HTTP URI: ${uri}`);
}

/** http(s)://... -> ipp(s)://... for the printer-uri attribute; ipp URIs are kept as they are. */
function printerUriOf(uri: string): string {
  const url = new URL(uri);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    url.protocol = url.protocol === 'http:' ? 'ipp:' : 'ipps:';
  }
  return url.toString();
}

export interface HttpIppTransportOptions {
  /** ipp://host:port/ipp/print, or http://host:port/ipp/print. */
  uri: string;
  /** Per request, connection to the last byte of the answer. */
  timeoutMs: number;
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

export class HttpIppTransport implements IppTransport {
  readonly description: string;
  readonly printerUri: string;
  private readonly url: URL;

  constructor(private readonly options: HttpIppTransportOptions) {
    this.url = httpUrlOf(options.uri);
    this.printerUri = printerUriOf(options.uri);
    this.description = `ipp:${this.url.host}${this.url.pathname}`;
  }

  async request(body: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/ipp' },
        body,
        signal: combined,
      });
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        throw new IppTransportError('httpStatus', `${this.description}: HTTP ${response.status}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw this.translate(error, signal, timeout);
    }
  }

  private translate(error: unknown, signal: AbortSignal | undefined, timeout: AbortSignal): unknown {
    if (error instanceof IppTransportError) return error;
    if (signal?.aborted) return signal.reason;
    if (timeout.aborted) {
      return new IppTransportError(
        'timeout',
        `${this.description}: no answer within ${this.options.timeoutMs} ms`,
      );
    }
    const code = causeCode(error);
    const what = code ?? (error instanceof Error ? error.message : String(error));
    if (code === undefined || CONNECTION_ERRORS.has(code)) {
      return new IppTransportError('unreachable', `${this.description}: unreachable (${what})`);
    }
    return new IppTransportError('unreachable', `${this.description}: ${what}`);
  }
}

/**
 * An IPP transport that hands each request to a function in this process: the A4 printer simulator for the demo
 * and fast tests. The answer is copied, as it would be over a wire.
 */
export function createMemoryIppTransport(
  handler: (body: Uint8Array) => Promise<Uint8Array>,
  printerUri = 'ipp://simulator/ipp/print',
): IppTransport {
  return {
    description: 'ipp:memory',
    printerUri,
    async request(body, signal) {
      signal?.throwIfAborted();
      // Asynchronous, like a network round trip, so no caller is re-entered.
      await new Promise((resolve) => setImmediate(resolve));
      const answer = await handler(body.slice());
      signal?.throwIfAborted();
      return answer.slice();
    },
  };
}
