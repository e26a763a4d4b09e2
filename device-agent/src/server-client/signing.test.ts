import { generateKeyPairSync, verify } from 'node:crypto';
import { canonicalJson } from '@sik/contract';
import { describe, expect, it } from 'vitest';
import { signCanonicalJson } from './signing.ts';

describe('signCanonicalJson', () => {
  it('signs the canonical bytes, so a copy with its keys in another order verifies and a changed one does not', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const outcome = {
      personId: 'P00000042',
      decision: 'match',
      distance: 0.31,
      liveness: { method: 'headTurn', result: 'live' },
      decidedAt: '2026-11-24T10:00:00.000Z',
    };
    const signature = Buffer.from(signCanonicalJson(outcome, privateKey), 'base64');
    const stored = {
      liveness: { result: 'live', method: 'headTurn' },
      decidedAt: '2026-11-24T10:00:00.000Z',
      distance: 0.31,
      decision: 'match',
      personId: 'P00000042',
    };
    expect(verify(null, Buffer.from(canonicalJson(stored)), publicKey, signature)).toBe(true);
    const changed = { ...stored, distance: 0.29 };
    expect(verify(null, Buffer.from(canonicalJson(changed)), publicKey, signature)).toBe(false);
  });
});
