import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { parseSigningKey, resolveDocumentParams } from './documents.ts';

const today = { year: 2026, month: '2026-02' };
const person = 'P00000001';

describe('document ranges', () => {
  it('contributions: up to this year, from the first recorded year, at most 30 years back', () => {
    expect(resolveDocumentParams({ personId: person, kind: 'contributionDetails' }, today, 2011)).toEqual({
      kind: 'contributionDetails',
      fromYear: 2011,
      toYear: 2026,
    });
    expect(resolveDocumentParams({ personId: person, kind: 'contributionDetails' }, today, 1985)).toEqual({
      kind: 'contributionDetails',
      fromYear: 1997,
      toYear: 2026,
    });
    expect(
      resolveDocumentParams({ personId: person, kind: 'contributionDetails', toYear: 2005 }, today, 2011),
    ).toEqual({ kind: 'contributionDetails', fromYear: 2005, toYear: 2005 });
    expect(
      resolveDocumentParams(
        { personId: person, kind: 'contributionDetails', fromYear: 1997, toYear: 2026 },
        today,
        null,
      ),
    ).toEqual({ kind: 'contributionDetails', fromYear: 1997, toYear: 2026 });
  });

  it('pension payments: the last 12 months by default, across the turn of the year', () => {
    expect(resolveDocumentParams({ personId: person, kind: 'pensionPayments' }, today, null)).toEqual({
      kind: 'pensionPayments',
      fromMonth: '2025-03',
      toMonth: '2026-02',
    });
    expect(
      resolveDocumentParams({ personId: person, kind: 'pensionPayments', toMonth: '2025-12' }, today, null),
    ).toEqual({ kind: 'pensionPayments', fromMonth: '2025-01', toMonth: '2025-12' });
    expect(
      resolveDocumentParams(
        { personId: person, kind: 'pensionPayments', fromMonth: '1996-03', toMonth: '2026-02' },
        today,
        null,
      ),
    ).toEqual({ kind: 'pensionPayments', fromMonth: '1996-03', toMonth: '2026-02' });
  });

  it('refuses with the field named: the future, reversed ranges, over 30 years, fields of another kind', () => {
    const refused = (request: Parameters<typeof resolveDocumentParams>[0]) => {
      try {
        resolveDocumentParams(request, today, 2000);
      } catch (error) {
        if (error instanceof InvalidInputError) return { field: error.field, message: error.message };
        throw error;
      }
      return null;
    };
    expect(refused({ personId: person, kind: 'contributionDetails', toYear: 2027 })).toEqual({
      field: 'toYear',
      message: 'toYear: 2027 is in the future (this year is 2026)',
    });
    expect(refused({ personId: person, kind: 'pensionPayments', toMonth: '2026-03' })?.field).toBe('toMonth');
    expect(
      refused({ personId: person, kind: 'pensionPayments', fromMonth: '1996-02', toMonth: '2026-02' })?.field,
    ).toBe('fromMonth');
    expect(
      refused({ personId: person, kind: 'contributionDetails', fromYear: 2020, toYear: 2019 })?.message,
    ).toBe('fromYear: 2020 is after toYear 2019');
    expect(refused({ personId: person, kind: 'pensionPayments', fromYear: 2020 })?.field).toBe('fromYear');
    expect(refused({ personId: person, kind: 'enrollmentCertificate', toMonth: '2020-01' })?.field).toBe(
      'toMonth',
    );
  });
});

describe('configured signing key', () => {
  it('must be Ed25519', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(parseSigningKey(ed).keyId).toMatch(/^[0-9a-f]{16}$/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => parseSigningKey(ec)).toThrow(/must be an Ed25519 key, not ec/);
  });
});
