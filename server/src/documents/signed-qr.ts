import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson, DocumentFacts } from '@sik/contract';

/**
 * The QR of a document: a link to the public verification page that also carries the document's key facts
 * signed with the server's Ed25519 key, so that it verifies offline:
 * `<publicBaseUrl>/verify/<code>?d=<base64url(canonical JSON of facts)>&s=<base64url(signature)>&k=<keyId>`.
 */

export interface PublishedKey {
  keyId: string;
  publicKeyPem: string;
}

export interface DocumentSigner {
  keyId: string;
  privateKey: KeyObject;
}

/** First 16 hex digits of the SHA-256 of the public key's DER (SPKI): short enough for the QR, unique enough. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** base64url Ed25519 signature over the canonical JSON of the facts. */
export function signFacts(facts: DocumentFacts, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(facts), 'utf8'), privateKey).toString('base64url');
}

/** Whether the signature covers these facts under this public key. */
export function factsSignatureValid(facts: DocumentFacts, signature: string, publicKeyPem: string): boolean {
  try {
    return verify(
      null,
      Buffer.from(canonicalJson(facts), 'utf8'),
      createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

export function verificationPageUrl(publicBaseUrl: string, code: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/verify/${code}`;
}

/** The text the QR code holds. */
export function documentQrText(publicBaseUrl: string, facts: DocumentFacts, signer: DocumentSigner): string {
  const data = Buffer.from(canonicalJson(facts), 'utf8').toString('base64url');
  const signature = signFacts(facts, signer.privateKey);
  return `${verificationPageUrl(publicBaseUrl, facts.code)}?d=${data}&s=${signature}&k=${signer.keyId}`;
}

export type QrRejection =
  /** Not a document QR: no link, no verify path, a parameter missing or not base64url, facts not JSON. */
  | 'malformed'
  /** Signed with a key that is not among the published ones. */
  | 'unknownKey'
  /** The signature does not cover these bytes: altered, or signed by another key. */
  | 'badSignature'
  /** Signed, but the facts are not what a document states, or name another code than the link. */
  | 'invalidFacts';

export type QrVerification =
  | { ok: true; facts: DocumentFacts; keyId: string; code: string }
  | { ok: false; reason: QrRejection; message: string };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const reject = (reason: QrRejection, message: string): QrVerification => ({ ok: false, reason, message });

/**
 * Checks a document QR offline: the signature over the facts with the published key it names, then the facts'
 * shape and that they name the code of the link. Pure: no network, no clock.
 */
export function verifyDocumentQr(text: string, publicKeys: Iterable<PublishedKey>): QrVerification {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return reject('malformed', 'not a link');
  }
  const code = /\/verify\/([^/?#]+)$/.exec(url.pathname)?.[1];
  if (!code) return reject('malformed', 'not a link to a verification page');
  const data = url.searchParams.get('d');
  const signature = url.searchParams.get('s');
  const keyId = url.searchParams.get('k');
  if (!data || !signature || !keyId) return reject('malformed', 'the link carries no signed facts (d, s, k)');
  if (!BASE64URL.test(data) || !BASE64URL.test(signature)) {
    return reject('malformed', 'd and s must be base64url');
  }
  const key = [...publicKeys].find((k) => k.keyId === keyId);
  if (!key) return reject('unknownKey', `key ${keyId} is not a published document key`);
  const bytes = Buffer.from(data, 'base64url');
  let valid: boolean;
  try {
    valid = verify(null, bytes, createPublicKey(key.publicKeyPem), Buffer.from(signature, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) return reject('badSignature', `the signature does not match the facts under key ${keyId}`);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return reject('malformed', 'the signed facts are not JSON');
  }
  const facts = DocumentFacts.safeParse(json);
  if (!facts.success) return reject('invalidFacts', 'the signed facts are not those of a document');
  if (facts.data.code !== code) {
    return reject('invalidFacts', `the facts name code ${facts.data.code}, the link ${code}`);
  }
  return { ok: true, facts: facts.data, keyId, code };
}
