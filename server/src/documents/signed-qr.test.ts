import { generateKeyPairSync, sign } from 'node:crypto';
import type { DocumentFacts } from '@sik/contract';
import { canonicalJson } from '@sik/contract';
import { describe, expect, it } from 'vitest';
import {
  type DocumentSigner,
  documentQrText,
  factsSignatureValid,
  keyIdOf,
  type PublishedKey,
  signFacts,
  verifyDocumentQr,
} from './signed-qr.ts';
import {
  groupVerificationCode,
  newVerificationCode,
  normalizeVerificationCode,
} from './verification-code.ts';

function newSigner(): DocumentSigner & PublishedKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    keyId: keyIdOf(publicKey),
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const signer = newSigner();
const BASE = 'https://si.example.cn/';

const facts: DocumentFacts = {
  kind: 'pensionPayments',
  v: 1,
  code: 'ABCD2345EFGH6789',
  holderMasked: '司***',
  idNumberMasked: '5101**********0729',
  issuedAt: '2026-03-05T10:20:30+08:00',
  kioskId: 'KIOSK-0001',
  fromMonth: '2025-01',
  toMonth: '2025-12',
  paidMonths: 12,
  paidCents: 4_948_272,
  withheldMonths: 0,
  withheldCents: 0,
};

function withParam(text: string, name: string, value: string | null): string {
  const url = new URL(text);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return url.toString();
}

describe('signed document QR', () => {
  const text = documentQrText(BASE, facts, signer);

  it('links to the verification page and verifies with the published key', () => {
    expect(text.startsWith(`https://si.example.cn/verify/${facts.code}?d=`)).toBe(true);
    expect(text).toMatch(/&s=[A-Za-z0-9_-]{86}&k=[0-9a-f]{16}$/);
    expect(verifyDocumentQr(text, [newSigner(), signer])).toEqual({
      ok: true,
      facts,
      keyId: signer.keyId,
      code: facts.code,
    });
  });

  it('signs the canonical JSON: the same facts in another key order give the same signature', () => {
    const reordered = Object.fromEntries(Object.entries(facts).reverse()) as DocumentFacts;
    expect(canonicalJson(reordered)).toBe(canonicalJson(facts));
    expect(signFacts(reordered, signer.privateKey)).toBe(signFacts(facts, signer.privateKey));
    expect(factsSignatureValid(reordered, signFacts(facts, signer.privateKey), signer.publicKeyPem)).toBe(
      true,
    );
    expect(
      factsSignatureValid(
        { ...facts, paidCents: 1 },
        signFacts(facts, signer.privateKey),
        signer.publicKeyPem,
      ),
    ).toBe(false);
  });

  it('says why a QR fails: malformed, unknown key, bad signature, facts not matching the link', () => {
    expect(verifyDocumentQr('not a link', [signer])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyDocumentQr('https://si.example.cn/other/ABC?d=a&s=b&k=c', [signer])).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyDocumentQr(withParam(text, 's', null), [signer])).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyDocumentQr(withParam(text, 'd', 'not base64!'), [signer])).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyDocumentQr(text, [])).toMatchObject({ ok: false, reason: 'unknownKey' });

    const changed = Buffer.from(canonicalJson({ ...facts, paidCents: facts.paidCents + 1 })).toString(
      'base64url',
    );
    const tampered = verifyDocumentQr(withParam(text, 'd', changed), [signer]);
    expect(tampered).toMatchObject({ ok: false, reason: 'badSignature' });
    if (!tampered.ok) expect(tampered.message).toContain(signer.keyId);

    const otherKey = newSigner();
    const forged = documentQrText(BASE, facts, otherKey);
    expect(verifyDocumentQr(withParam(forged, 'k', signer.keyId), [signer])).toMatchObject({
      ok: false,
      reason: 'badSignature',
    });

    // A genuine QR's facts pasted behind another code's link.
    const moved = text.replace(`/verify/${facts.code}`, '/verify/ZZZZ2345EFGH6789');
    expect(verifyDocumentQr(moved, [signer])).toMatchObject({ ok: false, reason: 'invalidFacts' });

    // Signed, but not document facts.
    const junk = Buffer.from('{"kind":"other"}');
    const junkSignature = sign(null, junk, signer.privateKey).toString('base64url');
    const signedJunk = `${BASE}verify/${facts.code}?d=${junk.toString('base64url')}&s=${junkSignature}&k=${signer.keyId}`;
    expect(verifyDocumentQr(signedJunk, [signer])).toMatchObject({ ok: false, reason: 'invalidFacts' });
  });
});

describe('verification codes', () => {
  it('are 16 characters without look-alikes, different every time', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newVerificationCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{16}$/);
  });

  it('are printed in groups of four and read back grouped, spaced or in lower case', () => {
    expect(groupVerificationCode('ABCD2345EFGH6789')).toBe('ABCD-2345-EFGH-6789');
    expect(normalizeVerificationCode('abcd-2345 efgh-6789')).toBe('ABCD2345EFGH6789');
    expect(normalizeVerificationCode('ABCD2345EFGH678')).toBeNull();
    expect(normalizeVerificationCode('ABCD2345EFGH678O')).toBeNull();
    expect(normalizeVerificationCode('ABCD2345EFGH6781')).toBeNull();
  });
});
