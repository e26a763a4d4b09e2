import { loadingLabels } from '../../i18n/zh-CN.ts';
import type { StepOf, StepProps } from './step.ts';

/** Waiting for the server or a device: what for, and (for money and submissions) not to leave. */
export function LoadingStep({ step }: StepProps<'loading'>) {
  const text = loadingLabels[step.label];
  return (
    <div className="flow-loading" aria-busy="true">
      <h1 aria-live="polite">
        {text.title}
        <span className="h1-en" lang="en">
          {text.en}
        </span>
      </h1>
      <span className="busy-dots" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      {text.hint ? <p className="lead flow-hint-strong">{text.hint}</p> : null}
    </div>
  );
}

export function loadingSpeech(step: StepOf<'loading'>): string {
  const text = loadingLabels[step.label];
  return `${text.title.replace(/…$/, '')}。${text.hint ? `${text.hint}。` : ''}`;
}
