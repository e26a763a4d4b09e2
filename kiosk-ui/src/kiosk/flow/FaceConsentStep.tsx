import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { formatDate } from '../../i18n/format.ts';
import { faceText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/** Until when the current authentication holds, in words; "none yet" when there is none. */
function validity(step: StepOf<'faceConsent'>): string {
  const text = faceText.consent;
  if (step.validUntil === null || step.daysLeft === null) return text.noneYet;
  return text.validUntil(formatDate(step.validUntil), step.daysLeft);
}

/**
 * Separate consent before the camera starts (PIPL art. 29): four short sentences on what is captured, where it
 * is compared, that nothing is kept, and that the face check is not the only way; the agent's full consent text
 * (the version that is recorded) one tap away. Two answers side by side: agree, or bank staff instead.
 */
export function FaceConsentStep({ step, flow }: StepProps<'faceConsent'>) {
  const run = useCommand();
  // Before a card application the face check proves who is applying: no authentication validity to tell.
  const forCard = flow.kind === 'socialSecurityCard';
  const text = faceText.consent;
  const [full, setFull] = useState(false);
  return (
    <>
      <div className="consent-head">
        <StepTitle title={text.title} en={text.en} />
        <Button
          testId="face-consent-full"
          label={full ? text.pointsBack : text.fullTextLabel(step.version)}
          pressed={full}
          onPress={() => setFull(!full)}
        >
          {full ? text.pointsBack : text.fullText}
        </Button>
      </div>
      {step.pensionSuspended ? (
        <div
          className="notice notice-danger consent-status"
          role="alert"
          data-testid="face-consent-suspended"
        >
          <span className="notice-icon" aria-hidden="true">
            !
          </span>
          <span className="notice-zh">
            {text.suspended}
            <span data-testid="face-consent-validity">
              {step.daysLeft !== null && step.daysLeft < 0
                ? text.overdueShort(-step.daysLeft)
                : validity(step)}
            </span>
          </span>
        </div>
      ) : forCard ? null : (
        <p className="consent-validity" data-testid="face-consent-validity">
          {validity(step)}
        </p>
      )}
      {full ? (
        <section
          className="paper consent-paper"
          aria-label={text.fullTextLabel(step.version)}
          data-testid="face-consent-text"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be keyboard-focusable (axe)
          tabIndex={0}
        >
          <p>{step.text}</p>
        </section>
      ) : (
        <ul className="consent-points" data-testid="face-consent-points" aria-label={text.pointsLabel}>
          {text.points.map((point) => {
            const [head, rest] = point.split('：');
            return (
              <li key={point}>
                <strong>{head}：</strong>
                {rest}
              </li>
            );
          })}
        </ul>
      )}
      <div className="actions consent-actions">
        <Button
          variant="primary"
          size="large"
          testId="face-consent-agree"
          onPress={() => run('flow.answer', { value: 'agree' })}
        >
          {text.agree}
        </Button>
        <Button
          size="large"
          testId="face-consent-decline"
          onPress={() => run('flow.answer', { value: 'decline' })}
        >
          {text.decline}
        </Button>
      </div>
    </>
  );
}

/** The short sentences and the full text are read: someone who cannot read must know what they agree to. */
export function faceConsentSpeech(step: StepOf<'faceConsent'>, forCard = false): string {
  const text = faceText.consent;
  const suspended = step.pensionSuspended ? text.suspended : '';
  const status = forCard ? '' : `${validity(step)}。`;
  return `${text.speechIntro}${suspended}${status}${text.points.join('')}${step.text}${text.speechAfter}`;
}
