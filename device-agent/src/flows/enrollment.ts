import { randomUUID } from 'node:crypto';
import type { SummaryLine } from '@sik/contract';
import type { FlowContext } from './flow.ts';
import {
  commitmentQuestion,
  FormFlow,
  gradeQuestion,
  householdQuestion,
  phoneQuestion,
  residenceProofQuestion,
} from './form.ts';
import type { EnrollmentAnswers, FlowServices } from './services.ts';

export const HOUSEHOLD_WORDS = { urban: '城镇户籍', rural: '农村户籍' } as const;
export const PROOF_WORDS = { provided: '已有户籍/居住证明', commitment: '告知承诺（事后核查）' } as const;

/** The enrollment answers collected by a form, checked once more before they leave the kiosk. */
export function enrollmentAnswers(answers: FormFlow['answers']): EnrollmentAnswers {
  return {
    gradeYuan: Number(answers.grade),
    phone: answers.phone ?? '',
    householdType: answers.householdType === 'rural' ? 'rural' : 'urban',
    residenceProof: answers.residenceProof === 'commitment' ? 'commitment' : 'provided',
  };
}

export function enrollmentLines(answers: EnrollmentAnswers): SummaryLine[] {
  return [
    { label: '参保险种', value: '城乡居民基本养老保险' },
    { label: '缴费档次', value: `${answers.gradeYuan}元/年` },
    { label: '手机号码', value: answers.phone },
    { label: '户籍类型', value: HOUSEHOLD_WORDS[answers.householdType] },
    { label: '证明材料', value: PROOF_WORDS[answers.residenceProof] },
  ];
}

/**
 * Enrollment (参保登记) in the urban-rural residents' pension: the server checks the rules from the records
 * first, the form asks only what the system does not know, and the answer is a case number to follow.
 */
export class EnrollmentFlow extends FormFlow {
  /** One key per visit's submission: a repeated tap or a retry after a timeout is the same submission. */
  private readonly idempotencyKey = randomUUID();

  constructor(
    ctx: FlowContext,
    private readonly services: FlowServices,
  ) {
    super('enrollment', ctx);
  }

  async start(): Promise<void> {
    const check = await this.load(
      'checking',
      () => this.services.enrollmentCheck(this.ctx.citizen.personId),
      {
        back: { type: 'loading', label: 'checking' },
        retry: () => this.start(),
      },
    );
    if (!check) return;
    if (!check.eligible) {
      this.show({ type: 'notEligible', reasons: check.reasons });
      return;
    }
    this.startForm([
      gradeQuestion(check.gradesYuan),
      phoneQuestion(check.phone),
      householdQuestion,
      residenceProofQuestion,
      commitmentQuestion(check.commitmentText),
    ]);
  }

  protected confirmLines(): SummaryLine[] {
    return enrollmentLines(enrollmentAnswers(this.answers));
  }

  protected async submit(): Promise<void> {
    const confirm = this.step;
    this.committing = true;
    const answers = enrollmentAnswers(this.answers);
    const answer = await this.load(
      'submitting',
      () => this.services.enrollmentSubmit(this.ctx.citizen.personId, answers, this.idempotencyKey),
      { back: confirm, retry: () => this.submit() },
    );
    this.committing = false;
    if (!answer) return;
    this.forgetHistory();
    this.show({
      type: 'result',
      outcome: 'success',
      items: [{ item: 'enrollment', status: 'done', message: answer.message, reference: answer.caseNumber }],
      printed: null,
      printProblem: null,
    });
  }
}
