import type { PaymentOptionsResponse, PaymentOutcome, Result } from '@sik/contract';
import type { ServerClient } from '../server-client/client.ts';
import type { FlowServices, LinkedAccount, PaymentResult } from './services.ts';

const map = <T, U>(result: Result<T>, fn: (data: T) => U): Result<U> =>
  result.ok ? { ok: true, data: fn(result.data) } : result;

const yuanText = (cents: number) => `${(cents / 100).toFixed(2)}元`;

/** The server's payment outcome in the flows' terms, with the receipt's lines ready for the printer. */
export function paymentResult(outcome: PaymentOutcome): PaymentResult {
  const receipt = outcome.receipt;
  return {
    paymentId: outcome.paymentId,
    status: outcome.status,
    amountCents: outcome.amountCents,
    reason: outcome.reason ?? null,
    qr: outcome.qr ?? null,
    receipt: receipt
      ? {
          reference: receipt.paymentId,
          lines: [
            { label: '险种', value: '城乡居民基本养老保险' },
            { label: '缴费年度', value: `${receipt.year}年` },
            { label: '金额', value: yuanText(receipt.amountCents) },
            { label: '支付渠道', value: receipt.payee },
            ...(receipt.maskedAccount ? [{ label: '账户', value: receipt.maskedAccount }] : []),
            { label: '交易参考号', value: receipt.upstreamRef },
            { label: '缴费时间', value: receipt.paidAt.replace('T', ' ').slice(0, 19) },
            { label: '业务流水号', value: receipt.paymentId },
          ],
        }
      : null,
  };
}

/** The bundle's field ids (config/src/bundles.ts) -> the questions the kiosk asks for them. */
const FIELD_QUESTIONS: Record<string, string | undefined> = {
  gradeYuan: 'grade',
  phone: 'phone',
  householdType: 'householdType',
  residenceProof: 'residenceProof',
};

/** The linked account, when the person has one; `usable` says whether paying from it is allowed now. */
function linkedAccount(
  options: PaymentOptionsResponse,
  usable = options.methods.includes('bankAccount'),
): LinkedAccount | null {
  const account = options.linkedAccount;
  if (!account || !usable) return null;
  return {
    bankName: account.bankName,
    accountMasked: account.maskedAccount,
    accountNumber: account.accountNumber,
  };
}

function enrollmentMessage(status: string, spotCheck: boolean, gradeYuan: number): string {
  const done =
    status === 'approved'
      ? `已参加城乡居民基本养老保险，缴费档次${gradeYuan}元/年。`
      : '参保申请已受理，审核结果会以短信通知您。';
  return spotCheck ? `${done}您使用了告知承诺，工作人员会在规定时间内核查。` : done;
}

/** The flows' server calls bound to the contract's routes. */
export function createFlowServices(server: ServerClient): FlowServices {
  return {
    async recordsSummary(personId) {
      const answer = await server.request('recordsSummary', { query: { personId } });
      return map(answer, (s) => ({
        insurances: s.insurances,
        pension: s.pension && {
          status: s.pension.status,
          monthlyAmountCents: s.pension.monthlyAmountCents,
          nextAuthenticationDue: s.pension.nextAuthenticationDue,
        },
        personalAccountCents: s.personalAccount.creditedCents,
        contributionYears: s.contribution.years,
      }));
    },
    async recordsContributions(personId) {
      const answer = await server.request('recordsContributions', { query: { personId } });
      return map(answer, (r) =>
        r.years.flatMap((y) =>
          y.entries.map((e) => ({
            year: y.year,
            type: e.type,
            months: e.months,
            amountCents: e.amountCents,
          })),
        ),
      );
    },
    async recordsPensionPayments(personId) {
      const answer = await server.request('recordsPensionPayments', { query: { personId } });
      return map(answer, (r) =>
        r.months.map(({ month, amountCents, status }) => ({ month, amountCents, status })),
      );
    },
    async issueDocument(request) {
      const answer = await server.request('documentIssue', { body: request });
      return map(answer, (d) => ({
        documentId: d.documentId,
        pdf: new Uint8Array(Buffer.from(d.pdfBase64, 'base64')),
        preview: {
          title: d.preview.title,
          lines: [
            `持证人：${d.preview.holderMasked}`,
            `证件号码：${d.preview.idNumberMasked}`,
            ...d.preview.lines,
          ],
          pages: d.pages,
          verificationCode: d.verificationCode,
        },
      }));
    },
    async enrollmentCheck(personId) {
      const answer = await server.request('enrollmentPrefill', { query: { personId } });
      return map(answer, (p) => ({
        eligible: p.eligible,
        reasons: p.failedRules.map((r) => r.message),
        gradesYuan: p.form.gradesYuan,
        phone: p.form.phone,
        commitmentText: p.commitment.text,
      }));
    },
    async enrollmentSubmit(personId, answers, idempotencyKey) {
      const answer = await server.request('enrollmentSubmit', {
        body: {
          personId,
          ...answers,
          ...(answers.residenceProof === 'commitment' ? { commitmentSigned: true as const } : {}),
          idempotencyKey,
        },
      });
      return map(answer, (e) => ({
        caseNumber: e.caseNumber,
        status: e.status,
        message: enrollmentMessage(e.status, e.spotCheck, e.gradeYuan),
      }));
    },
    async paymentChoices(personId) {
      const answer = await server.request('paymentOptions', { body: { personId } });
      return map(answer, (o) => ({
        eligible: o.eligible,
        reasons: o.reason ? [o.reason] : [],
        year: o.year,
        gradesYuan: o.gradesCents.map((c) => c / 100),
        account: linkedAccount(o),
      }));
    },
    async pay(request) {
      const answer = await server.request('paymentCreate', { body: request });
      return map(answer, paymentResult);
    },
    async paymentByKey(idempotencyKey) {
      const answer = await server.request('paymentStatusByKey', { params: { idempotencyKey } });
      return map(answer, paymentResult);
    },
    async bundleForm(bundleId, personId) {
      const [definition, options] = await Promise.all([
        server.request('bundleDefinition', { query: { bundleId, personId } }),
        server.request('paymentOptions', { body: { personId } }),
      ]);
      if (!definition.ok) return definition;
      const d = definition.data;
      const grades = d.fields.find((f) => f.id === 'gradeYuan');
      const reasons = d.items.flatMap((i) => i.failedRules.map((r) => `${i.title}：${r.message}`));
      return {
        ok: true,
        data: {
          eligible: d.eligible,
          reasons: reasons.length > 0 ? reasons : ['暂不能办理这件事'],
          fields: [
            ...d.fields.map((f) => FIELD_QUESTIONS[f.id]).filter((q) => q !== undefined),
            'paymentMethod',
          ],
          gradesYuan:
            grades?.options?.map((o) => Number(o.value)) ??
            (options.ok ? options.data.gradesCents.map((c) => c / 100) : []),
          phone: typeof d.prefill.phone === 'string' ? d.prefill.phone : null,
          // Not enrolled yet, so the plain payment options refuse; the bundle says whether the account may pay.
          account: options.ok ? linkedAccount(options.data, d.payment.methods.includes('bankAccount')) : null,
          year: d.payment.amountYear,
        },
      };
    },
    async bundleSubmit(request) {
      const { answers } = request;
      const answer = await server.request('bundleSubmit', {
        body: {
          bundleId: request.bundleId,
          personId: request.personId,
          idempotencyKey: request.idempotencyKey,
          fields: {
            personId: request.personId,
            phone: answers.phone,
            gradeYuan: answers.gradeYuan,
            householdType: answers.householdType,
            residenceProof: answers.residenceProof,
            ...(answers.residenceProof === 'commitment' ? { commitmentSigned: true } : {}),
          },
          payment: request.payment,
        },
      });
      if (!answer.ok) return answer;
      const contribution = answer.data.items.find((i) => i.kind === 'contribution');
      let payment: PaymentResult | null = null;
      if (contribution?.qr) {
        payment = {
          paymentId: contribution.reference ?? '',
          status: 'awaitingQr',
          amountCents: answers.gradeYuan * 100,
          reason: null,
          qr: contribution.qr,
          receipt: null,
        };
      } else if (contribution?.reference) {
        const found = await server.request('paymentStatus', {
          params: { paymentId: contribution.reference },
        });
        if (found.ok) payment = paymentResult(found.data);
      }
      return {
        ok: true,
        data: {
          items: answer.data.items.map((i) => ({
            item: i.kind,
            status: i.status,
            message: i.message,
            reference: i.reference,
          })),
          payment,
        },
      };
    },
    async authenticationStatus(personId) {
      return server.request('authenticationStatus', { body: { personId } });
    },
    async authenticationConsent(request) {
      return server.request('authenticationConsent', { body: request });
    },
    async referencePhoto(personId, consentId) {
      const answer = await server.request('authenticationReferencePhoto', { body: { personId, consentId } });
      return map(answer, (p) => ({
        jpeg: new Uint8Array(Buffer.from(p.jpegBase64, 'base64')),
        source: p.source,
      }));
    },
    async faceOutcome(outcome, idempotencyKey) {
      return server.request('authenticationFaceOutcome', {
        body: { idempotencyKey, outcome, signature: server.signFact(outcome) },
      });
    },
    async staffSignIn(credentials) {
      return server.request('staffSignIn', { body: credentials });
    },
    async authenticationAssisted(request) {
      return server.request('authenticationAssisted', { body: request });
    },
    async identityCheckStatus(personId, purpose) {
      return server.request('identityCheckStatus', { body: { personId, purpose } });
    },
    async identityCheckConsent(request) {
      return server.request('identityCheckConsent', { body: request });
    },
    async identityReferencePhoto(personId, consentId) {
      const answer = await server.request('identityCheckReferencePhoto', { body: { personId, consentId } });
      return map(answer, (p) => ({
        jpeg: new Uint8Array(Buffer.from(p.jpegBase64, 'base64')),
        source: p.source,
      }));
    },
    async identityFaceOutcome(purpose, outcome, idempotencyKey) {
      return server.request('identityCheckFaceOutcome', {
        body: { idempotencyKey, purpose, outcome, signature: server.signFact(outcome) },
      });
    },
    async identityAssisted(request) {
      return server.request('identityCheckAssisted', { body: request });
    },
  };
}
