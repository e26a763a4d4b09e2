import type { FlowStep, FlowStepType, FlowView, KioskState } from '@sik/contract';

export type StepOf<T extends FlowStepType> = Extract<FlowStep, { type: T }>;

/** What every step component gets: its step (narrowed), the whole flow view and the kiosk state. */
export interface StepProps<T extends FlowStepType> {
  step: StepOf<T>;
  flow: FlowView;
  state: KioskState;
}

/**
 * Identity of a screen inside a flow: a new question is a new screen (local input and speech reset), while
 * the same question published again (a PIN key counted, an error added) keeps what the citizen typed.
 */
export function stepKey(flow: FlowView): string {
  const step = flow.step;
  const question = step.type === 'choose' || step.type === 'digits' ? `:${step.question}` : '';
  const label = step.type === 'loading' ? `:${step.label}` : '';
  return `${flow.flowId}:${flow.progress?.index ?? '-'}:${step.type}${question}${label}`;
}

/** Whether a value may be read aloud: nothing masked and no long digit runs (ID, account or phone numbers). */
export const speakable = (value: string): boolean =>
  !/[*＊]/.test(value) && !/\d{6,}/.test(value.replace(/\s/g, ''));

/** Stable keys for fixed positions (PIN dots, digit slots): position i is always the i-th. */
export const positions = (count: number): string[] =>
  Array.from({ length: Math.max(0, count) }, (_, i) => `p${i}`);
