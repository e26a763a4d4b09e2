import type { FlowStep } from '@sik/contract';
import { Flow, type FlowContext, FlowError } from './flow.ts';
import type { DocumentKind, FlowServices, IssuedDocument } from './services.ts';

const KINDS: readonly DocumentKind[] = ['enrollmentCertificate', 'contributionDetails', 'pensionPayments'];

/** Year ranges offered for contribution details: the last 1, 3, 5 and 10 years up to `year`. */
function yearRanges(year: number): FlowStep {
  return {
    type: 'choose',
    question: 'yearRange',
    options: [1, 3, 5, 10].map((span) => ({
      value: `${year - span + 1}-${year}`,
      label: span === 1 ? `${year}年` : `${year - span + 1}年至${year}年（近${span}年）`,
    })),
    selected: null,
  };
}

/** Month ranges for the pension payment record: the last 6, 12 and 24 months up to `month` (YYYY-MM). */
function monthRanges(now: Date): FlowStep {
  const month = (back: number) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  return {
    type: 'choose',
    question: 'monthRange',
    options: [6, 12, 24].map((span) => ({
      value: `${month(span - 1)}..${month(0)}`,
      label: `近${span}个月（${month(span - 1)}至${month(0)}）`,
    })),
    selected: null,
  };
}

/**
 * Rights-record printing (权益证明打印): which document, which period, a preview on screen, then the A4
 * printer. Success is shown only after the printer reported the job completed. The PDF stays in memory and is
 * overwritten when the flow ends.
 */
export class RightsRecordFlow extends Flow {
  private documentKind: DocumentKind | null = null;
  private document: IssuedDocument | null = null;

  constructor(
    ctx: FlowContext,
    private readonly services: FlowServices,
    private readonly now: () => Date = () => new Date(),
  ) {
    super('rightsRecordPrint', ctx);
  }

  async start(): Promise<void> {
    this.progress = { index: 1, total: 3 };
    this.ask({
      type: 'choose',
      question: 'documentKind',
      options: KINDS.map((value) => ({ value })),
      selected: null,
    });
  }

  protected async onAnswer(value: string): Promise<void> {
    const step = this.step;
    if (step.type !== 'choose') throw new FlowError('WRONG_PHASE', 'nothing to answer here');
    if (step.question === 'documentKind') {
      if (!KINDS.includes(value as DocumentKind)) {
        this.fail('INVALID_INPUT', '请选择要打印的证明', null);
        return;
      }
      this.documentKind = value as DocumentKind;
      this.progress = { index: 2, total: 3 };
      if (this.documentKind === 'enrollmentCertificate') await this.issue({});
      else if (this.documentKind === 'contributionDetails') this.ask(yearRanges(this.now().getFullYear()));
      else this.ask(monthRanges(this.now()));
      return;
    }
    if (!step.options.some((o) => o.value === value)) {
      this.fail('INVALID_INPUT', '请选择一个时间范围', null);
      return;
    }
    if (step.question === 'yearRange') {
      const [fromYear, toYear] = value.split('-').map(Number);
      await this.issue({ fromYear, toYear });
    } else {
      const [fromMonth, toMonth] = value.split('..');
      await this.issue({ fromMonth, toMonth });
    }
  }

  private async issue(range: {
    fromYear?: number | undefined;
    toYear?: number | undefined;
    fromMonth?: string | undefined;
    toMonth?: string | undefined;
  }): Promise<void> {
    const kind = this.documentKind;
    if (!kind) return;
    const back = this.step;
    const request = { personId: this.ctx.citizen.personId, kind, ...definedOnly(range) };
    const issued = await this.load('generating', () => this.services.issueDocument(request), {
      back,
      retry: () => this.issue(range),
    });
    if (!issued) return;
    this.dropDocument();
    this.document = issued;
    this.progress = { index: 3, total: 3 };
    this.ask({ type: 'documentPreview', ...issued.preview });
  }

  override async print(): Promise<void> {
    if (this.step.type !== 'documentPreview' || !this.document)
      throw new FlowError('WRONG_PHASE', 'preview the document before printing');
    if (this.committing) throw new FlowError('WRONG_PHASE', 'the document is already printing');
    this.committing = true;
    this.background(() => this.printPreviewed());
  }

  private async printPreviewed(): Promise<void> {
    const document = this.document;
    if (this.step.type !== 'documentPreview' || !document) return;
    const preview = this.step;
    this.committing = true;
    this.show({ type: 'loading', label: 'printing' });
    const printed = await this.ctx.peripherals.printPdf(
      document.pdf,
      `rights-record-${document.documentId}`,
      this.abort.signal,
    );
    this.committing = false;
    if (this.disposed) return;
    if (!printed.ok) {
      this.restore(preview);
      this.fail('DEVICE_NOT_READY', printed.message, () => this.printPreviewed());
      return;
    }
    this.show({
      type: 'result',
      outcome: 'success',
      items: [
        {
          item: 'document',
          status: 'done',
          message: `${document.preview.title}已打印，共${document.preview.pages}页，请取走。`,
          reference: document.preview.verificationCode,
        },
      ],
      printed: 'document',
      printProblem: null,
    });
    this.dropDocument();
  }

  private dropDocument(): void {
    this.document?.pdf.fill(0);
    this.document = null;
  }

  protected override wipe(): void {
    this.dropDocument();
    this.documentKind = null;
  }
}

function definedOnly<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
