import type { FlowStep, QuestionId, SummaryLine } from '@sik/contract';
import { Flow } from './flow.ts';

/** The answers a form has collected so far, by question. */
export type Answers = Partial<Record<QuestionId | 'commitment', string>>;

/** One question of a form: when it applies, the step that asks it, and what an answer must look like. */
export interface Question {
  id: QuestionId | 'commitment';
  applies?(answers: Answers): boolean;
  step(answers: Answers): FlowStep;
  /** A plain message for the citizen when the answer is not acceptable, null when it is. */
  check(value: string, answers: Answers): string | null;
}

/**
 * A flow that asks its questions one per screen, then shows a confirmation and acts on "confirm". "Back"
 * returns to the previous question with its answer kept.
 */
export abstract class FormFlow extends Flow {
  protected answers: Answers = {};
  private submitting = false;
  private questions: Question[] = [];
  private current = -1;

  /** The summary shown before submission. */
  protected abstract confirmLines(): SummaryLine[];
  /** Runs after "confirm"; shows its own steps. */
  protected abstract submit(): Promise<void>;

  protected startForm(questions: Question[]): void {
    this.questions = questions;
    this.current = -1;
    this.next();
  }

  protected async onAnswer(value: string): Promise<void> {
    if (this.step.type === 'confirm') {
      if (value !== 'confirm') {
        this.fail('INVALID_INPUT', '请点击“确认提交”', null);
        return;
      }
      // A second tap on "confirm" while the first is under way (PIN pad starting) is the same tap.
      if (this.submitting) return;
      this.submitting = true;
      this.background(() =>
        this.submit().finally(() => {
          this.submitting = false;
        }),
      );
      return;
    }
    const question = this.questions[this.current];
    if (!question) return;
    const problem = question.check(value, this.answers);
    if (problem) {
      this.fail('INVALID_INPUT', problem, null);
      return;
    }
    this.answers[question.id] = value;
    this.next();
  }

  protected override onBack(step: FlowStep): void {
    if (step.type === 'confirm') return;
    const id = step.type === 'commitment' ? 'commitment' : 'question' in step ? step.question : null;
    const index = this.questions.findIndex((q) => q.id === id);
    if (index >= 0) this.current = index;
  }

  private next(): void {
    let index = this.current + 1;
    while (index < this.questions.length && !(this.questions[index]?.applies?.(this.answers) ?? true))
      index += 1;
    this.current = index;
    const applicable = this.questions.filter((q) => q.applies?.(this.answers) ?? true);
    const question = this.questions[index];
    if (question) {
      this.progress = { index: applicable.indexOf(question) + 1, total: applicable.length + 1 };
      const step = question.step(this.answers);
      this.ask(step);
      return;
    }
    this.progress = { index: applicable.length + 1, total: applicable.length + 1 };
    this.ask({ type: 'confirm', lines: this.confirmLines() });
  }

  protected override wipe(): void {
    this.answers = {};
  }
}

// --- the questions the services share -------------------------------------------------------------------

export function gradeQuestion(gradesYuan: readonly number[]): Question {
  return {
    id: 'grade',
    step: (answers) => ({
      type: 'choose',
      question: 'grade',
      options: gradesYuan.map((g) => ({ value: String(g), label: `${g}元/年` })),
      selected: answers.grade ?? null,
    }),
    check: (value) =>
      gradesYuan.includes(Number(value)) ? null : `缴费档次只能是 ${gradesYuan.join('、')} 元之一`,
  };
}

export function phoneQuestion(prefill: string | null): Question {
  return {
    id: 'phone',
    step: (answers) => ({
      type: 'digits',
      question: 'phone',
      value: answers.phone ?? prefill ?? '',
      length: 11,
    }),
    check: (value) => (/^1[3-9][0-9]{9}$/.test(value) ? null : '手机号码应为11位数字，以1开头'),
  };
}

export const householdQuestion: Question = {
  id: 'householdType',
  step: (answers) => ({
    type: 'choose',
    question: 'householdType',
    options: [{ value: 'urban' }, { value: 'rural' }],
    selected: answers.householdType ?? null,
  }),
  check: (value) => (value === 'urban' || value === 'rural' ? null : '请选择城镇户籍或农村户籍'),
};

export const residenceProofQuestion: Question = {
  id: 'residenceProof',
  step: (answers) => ({
    type: 'choose',
    question: 'residenceProof',
    options: [{ value: 'provided' }, { value: 'commitment' }],
    selected: answers.residenceProof ?? null,
  }),
  check: (value) => (value === 'provided' || value === 'commitment' ? null : '请选择一项'),
};

/** The notification-and-commitment (告知承诺) text; its version is recorded with the enrollment. */
export const COMMITMENT_TEXT =
  '本人承诺：本人户籍或居住证明真实有效，符合城乡居民基本养老保险参保条件，未参加职工基本养老保险，' +
  '不是全日制在校学生。如有不实，本人愿承担相应法律责任，并同意社会保险经办机构事后核查。';

export function commitmentQuestion(text: string = COMMITMENT_TEXT): Question {
  return {
    id: 'commitment',
    applies: (answers) => answers.residenceProof === 'commitment',
    step: () => ({ type: 'commitment', text }),
    check: (value) => (value === 'agree' ? null : '请阅读承诺内容后点击“我同意”'),
  };
}

export interface AccountChoice {
  bankName: string;
  accountMasked: string;
}

export function paymentMethodQuestion(account: AccountChoice | null): Question {
  return {
    id: 'paymentMethod',
    step: (answers) => ({
      type: 'choose',
      question: 'paymentMethod',
      options: [
        account
          ? { value: 'bankAccount', detail: `${account.bankName} ${account.accountMasked}` }
          : { value: 'bankAccount', detail: '没有绑定的银行账户', disabled: true },
        { value: 'qr' },
      ],
      selected: answers.paymentMethod ?? null,
    }),
    check: (value) => {
      if (value === 'qr') return null;
      if (value === 'bankAccount') return account ? null : '您没有绑定的银行账户，请选择扫码支付';
      return '请选择支付方式';
    },
  };
}
