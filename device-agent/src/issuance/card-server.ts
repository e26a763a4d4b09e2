import type { Result } from '@sik/contract';
import type { ServerClient } from '../server-client/client.ts';
import type { CardServer } from './types.ts';

const map = <T, U>(result: Result<T>, fn: (data: T) => U): Result<U> =>
  result.ok ? { ok: true, data: fn(result.data) } : result;

/** The issuance's server calls bound to the contract's card routes (signed by the server client). */
export function createCardServer(server: ServerClient): CardServer {
  return {
    overview: (personId) => server.request('cardOverview', { body: { personId } }),
    apply: (request) => server.request('cardApply', { body: request }),
    reportLoss: (request) => server.request('cardReportLoss', { body: request }),
    personalise: (request) => server.request('cardPersonalise', { body: request }),
    async photo(request) {
      const answer = await server.request('cardPhoto', { body: request });
      // The Buffer itself (a Uint8Array), not a copy: the caller's zero-fill reaches the only decoded bytes.
      return map(answer, (p) => ({ jpeg: Buffer.from(p.jpegBase64, 'base64') }));
    },
    cryptogram: (request) => server.request('cardCryptogram', { body: request }),
    activate: (request) => server.request('cardActivate', { body: request }),
    spoil: (request) => server.request('cardSpoil', { body: request }),
    spoilBlank: (request) => server.request('cardBlankSpoil', { body: request }),
    alert: (request) => server.request('kioskAlert', { body: request }),
  };
}
