import { CardStage } from '@sik/contract';
import { useEffect } from 'react';
import { cardStages, cardText, cardTimeLeft } from '../../i18n/zh-CN.ts';
import { useSpeaker } from '../../speech/context.tsx';
import type { StepOf, StepProps } from './step.ts';

export type CardStageState = 'done' | 'current' | 'todo';

/** Where a stage stands: done when the agent says so, current when it is the stage now, else still to come. */
export function cardStageState(step: StepOf<'cardProgress'>, stage: CardStage): CardStageState {
  if (stage === step.stage) return 'current';
  return step.stagesDone.includes(stage) ? 'done' : 'todo';
}

/** A mark and a word for each state, so the list never relies on colour alone. */
const MARKS: Readonly<Record<CardStageState, string>> = { done: '✓', current: '▶', todo: '○' };

/**
 * A failed card is made again with a new blank; the agent's notice says so. The citizen is probably watching
 * the slot, not the screen, so the notice is spoken when it appears (where the browser can speak).
 */
function useSpokenNotice(notice: string | null) {
  const speaker = useSpeaker();
  useEffect(() => {
    if (!speaker.supported || notice === null) return;
    speaker.speak(`${notice}。`);
  }, [notice, speaker]);
}

/**
 * The card is being made: every stage in order with a done / now / to-come mark and word, the time left, which
 * card this is when one failed, and the notice. No buttons: the citizen cannot leave while the card is made
 * (the bar keeps call staff, elder mode and speech; 返回首页 is disabled there).
 */
export function CardProgressStep({ step }: StepProps<'cardProgress'>) {
  const text = cardText.progress;
  useSpokenNotice(step.notice);
  const current = cardStages[step.stage];
  return (
    <div
      className="card-progress"
      data-testid="card-progress"
      data-stage={step.stage}
      data-attempt={step.attempt}
    >
      <ol className="card-stages" aria-label={text.stagesLabel}>
        {CardStage.options.map((stage) => {
          const state = cardStageState(step, stage);
          return (
            <li
              key={stage}
              className={`card-stage card-stage-${state}`}
              data-testid={`card-stage-${stage}`}
              data-state={state}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <span className="card-stage-mark" aria-hidden="true">
                {MARKS[state]}
              </span>
              <span className="card-stage-name">{cardStages[stage].name}</span>
              <span className="card-stage-state">{text.states[state]}</span>
            </li>
          );
        })}
      </ol>
      <div className="card-progress-side">
        <h1>
          {text.title}
          <span className="h1-en" lang="en">
            {text.en}
          </span>
        </h1>
        <p className="card-doing" aria-live="polite" data-testid="card-doing">
          {current.doing}
        </p>
        {step.notice ? (
          <p className="card-notice" data-testid="card-notice" role="alert">
            <span className="card-notice-icon" aria-hidden="true">
              !
            </span>
            {step.notice}
          </p>
        ) : null}
        <p className="card-facts">
          {step.secondsLeft > 0 ? (
            <span className="card-time" data-testid="card-time-left">
              {cardTimeLeft(step.secondsLeft)}
            </span>
          ) : null}
          {step.attempt > 1 ? (
            <span className="card-attempt" data-testid="card-attempt">
              {text.attempt(step.attempt, step.maxAttempts)}
            </span>
          ) : null}
        </p>
        <p className="lead flow-hint-strong">{text.stay}</p>
      </div>
    </div>
  );
}

export function cardProgressSpeech(step: StepOf<'cardProgress'>): string {
  const stage = cardStages[step.stage];
  const notice = step.notice ? `${step.notice}。` : '';
  const time = step.secondsLeft > 0 ? `${cardTimeLeft(step.secondsLeft)}。` : '';
  return `${notice}${cardText.progress.speech(stage.name, stage.doing)}${time}`;
}
