import type { Request, Response } from 'express';
import { normalizeVerificationCode } from '../documents/verification-code.ts';
import { createDocumentService } from '../services/documents.ts';
import type { RouteModuleContext } from './route-module.ts';

/**
 * Rights-record documents (权益证明): issuing (signed, service rightsRecordPrint), the public keys and the public
 * record by code (JSON), and the verification page the QR links to (HTML, on the bare router).
 */
export function documentRoutes({ mount, router, deps }: RouteModuleContext): void {
  const documents = createDocumentService(deps);

  mount('documentIssue', ({ kiosk, body }) => documents.issue(kiosk, body));
  mount('documentKeys', () => documents.documentKeys());
  mount('publicDocument', ({ req }) => documents.publicDocument(String(req.params.code ?? '')));

  const sendHtml = (res: Response, status: number, html: string) => {
    res
      .status(status)
      .set({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      })
      .send(html);
  };

  // The form for a typed code; a submitted code goes to its page.
  router.get('/verify', (req: Request, res: Response) => {
    const typed = typeof req.query.code === 'string' ? req.query.code : undefined;
    if (typed === undefined) return sendHtml(res, 200, documents.verificationForm());
    const code = normalizeVerificationCode(typed);
    if (!code)
      return sendHtml(res, 400, documents.verificationForm('验证码应为16位字母和数字，请核对后重新输入。'));
    res.redirect(303, `/verify/${code}`);
  });

  router.get('/verify/:code', async (req: Request, res: Response) => {
    const page = await documents.verificationPage(String(req.params.code ?? ''), req.query);
    sendHtml(res, page.status, page.html);
  });
}
