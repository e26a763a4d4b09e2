import type { RecordsSummaryView, RecordsView } from '@sik/contract';
import { Flow, type FlowContext, FlowError } from './flow.ts';
import type { FlowServices } from './services.ts';

/**
 * Enrollment query (参保查询): the elder-friendly summary first, the contribution years and pension months on
 * request, and back to the summary. Read-only; nothing to confirm.
 */
export class RecordsQueryFlow extends Flow {
  private summary: RecordsSummaryView | null = null;

  constructor(
    ctx: FlowContext,
    private readonly services: FlowServices,
  ) {
    super('recordsQuery', ctx);
  }

  async start(): Promise<void> {
    const summary = await this.load(
      'records',
      () => this.services.recordsSummary(this.ctx.citizen.personId),
      { back: { type: 'loading', label: 'records' }, retry: () => this.start() },
    );
    if (!summary) return;
    this.summary = summary;
    this.show({ type: 'recordsSummary', summary });
  }

  protected async onAnswer(): Promise<void> {
    throw new FlowError('WRONG_PHASE', 'the records query asks no questions');
  }

  override async showRecords(view: RecordsView): Promise<void> {
    if (view === 'summary') {
      if (this.summary) this.show({ type: 'recordsSummary', summary: this.summary });
      else await this.start();
      return;
    }
    const back = this.summary
      ? { type: 'recordsSummary' as const, summary: this.summary }
      : { type: 'loading' as const, label: 'records' as const };
    const retry = () => this.showRecords(view);
    const personId = this.ctx.citizen.personId;
    if (view === 'contributions') {
      const years = await this.load('records', () => this.services.recordsContributions(personId), {
        back,
        retry,
      });
      if (years) this.ask({ type: 'contributions', years });
    } else {
      const months = await this.load('records', () => this.services.recordsPensionPayments(personId), {
        back,
        retry,
      });
      if (months) this.ask({ type: 'pensionPayments', months });
    }
  }

  protected override wipe(): void {
    this.summary = null;
  }
}
