import { useEffect } from 'react';
import { cardText } from '../../i18n/zh-CN.ts';
import { useSpeaker } from '../../speech/context.tsx';
import type { StepOf, StepProps } from './step.ts';

/**
 * A still drawing of the card sticking out of the slot with an arrow pointing out of it. The arrow may nudge
 * outwards (decoration only; off with reduced motion): the words say what to do.
 */
function CardOutPicture({ label }: { label: string }) {
  return (
    <svg className="card-take-picture" viewBox="0 0 360 260" role="img" aria-label={label}>
      <title>{label}</title>
      {/* the kiosk front with the slot */}
      <rect x="20" y="20" width="320" height="120" rx="16" fill="var(--c-text)" />
      <rect x="70" y="112" width="220" height="16" rx="8" fill="var(--c-text-muted)" />
      {/* the card, half out of the slot */}
      <g>
        <rect
          x="100"
          y="118"
          width="160"
          height="100"
          rx="12"
          fill="var(--c-surface)"
          stroke="var(--c-primary)"
          strokeWidth="6"
        />
        <rect
          x="120"
          y="140"
          width="36"
          height="28"
          rx="4"
          fill="var(--c-secondary)"
          stroke="var(--c-primary)"
          strokeWidth="3"
        />
        <rect x="170" y="146" width="70" height="10" rx="5" fill="var(--c-primary)" />
        <rect x="120" y="190" width="120" height="10" rx="5" fill="var(--c-primary)" />
      </g>
      {/* the arrow: out of the slot, towards the citizen */}
      <path
        className="card-take-arrow"
        d="M 310 150 L 310 236 M 290 214 L 310 240 L 330 214"
        stroke="var(--c-primary)"
        strokeWidth="10"
        fill="none"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** Said at once: the citizen must act now, and may not be reading the screen. */
function useSpokenOnce() {
  const speaker = useSpeaker();
  useEffect(() => {
    if (speaker.supported) speaker.speak(cardText.take.speech);
  }, [speaker]);
}

/** The card is in the slot: one big instruction, the masked card number, the seconds left, a picture. */
export function CardTakeStep({ step }: StepProps<'cardTake'>) {
  const text = cardText.take;
  useSpokenOnce();
  return (
    <div className="card-take" data-testid="card-take">
      <div className="card-take-main">
        <h1 className="card-take-title" aria-live="assertive">
          {text.title}
          <span className="h1-en" lang="en">
            {text.en}
          </span>
        </h1>
        <p className="lead flow-hint-strong">{text.where}</p>
        <dl className="lines">
          <div>
            <dt>{text.cardNumber}</dt>
            <dd className="id-number" data-testid="card-take-number">
              {step.maskedCardNumber}
            </dd>
          </div>
        </dl>
        {step.secondsLeft > 0 ? (
          <p className="card-take-seconds" data-testid="card-take-seconds">
            {text.secondsLeft(step.secondsLeft)}
          </p>
        ) : null}
        <p className="step-hint">{text.late}</p>
      </div>
      <CardOutPicture label={text.pictureLabel} />
    </div>
  );
}

export function cardTakeSpeech(_step: StepOf<'cardTake'>): string {
  // The card number is masked and long: it is shown, never read aloud.
  return `${cardText.take.speech}${cardText.take.late}。`;
}
