import { createHash, generateKeyPairSync } from 'node:crypto';
import { buildDocumentContent } from '../server/src/documents/content.ts';
import { FIXTURE_HOLDER, fixtureContributions } from '../server/src/documents/fixtures.ts';
import { renderDocumentPdf } from '../server/src/documents/render.ts';
import { documentQrText, keyIdOf } from '../server/src/documents/signed-qr.ts';
import { newVerificationCode } from '../server/src/documents/verification-code.ts';
import { median } from './results-file.ts';

const WARM_UP = 5;
const ROUNDS = 30;
const BASE_URL = 'https://si.example.cn';

/**
 * Generating a 3-page contribution record (缴费明细, 17 years x 5 insurance types) from records already read:
 * facts, Ed25519 signature, QR, A4 PDF with the CJK font subset, SHA-256 — what the issuing route does between
 * the database reads and the insert. In this process, after a warm-up (the font is parsed once per process).
 * `pdf.gen_ms` is the median of 30 runs; `pdf.size_kb` the size of the PDF.
 */
export async function benchPdf(): Promise<Record<string, number>> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer = { keyId: keyIdOf(publicKey), privateKey };
  const contributions = fixtureContributions(2004, 2020);
  const generate = async () => {
    const code = newVerificationCode();
    const content = buildDocumentContent(
      { kind: 'contributionDetails', fromYear: 2004, toYear: 2020, contributions },
      {
        holder: FIXTURE_HOLDER,
        code,
        kioskId: 'KIOSK-0001',
        issuedAt: new Date(),
        issuer: '成都市人力资源和社会保障局',
        verifyUrl: `${BASE_URL}/verify/${code}`,
      },
    );
    const rendered = await renderDocumentPdf({
      ...content.layout,
      qrText: documentQrText(BASE_URL, content.facts, signer),
    });
    createHash('sha256').update(rendered.pdf).digest('hex');
    return rendered;
  };
  for (let i = 0; i < WARM_UP; i++) await generate();
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const { pdf, pages } = await generate();
    times.push(performance.now() - started);
    if (pages !== 3) throw new Error(`bench: expected a 3-page record, got ${pages} pages`);
    size = pdf.length;
  }
  return {
    'pdf.gen_ms': Math.round(median(times) * 10) / 10,
    'pdf.size_kb': Math.round((size / 1024) * 10) / 10,
  };
}
