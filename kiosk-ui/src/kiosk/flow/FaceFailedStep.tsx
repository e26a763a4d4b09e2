import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { faceFailures, faceText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/** '2025年3月5日 14:30' in the kiosk's own time zone. */
export function formatLocalTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const hh = String(at.getHours()).padStart(2, '0');
  const mm = String(at.getMinutes()).padStart(2, '0');
  return `${at.getFullYear()}年${at.getMonth() + 1}月${at.getDate()}日 ${hh}:${mm}`;
}

const canRetry = (step: StepOf<'faceFailed'>) => step.attemptsLeft > 0 && step.lockedUntil === null;

/** What went wrong in plain words, what to change, how many tries are left; try again, or bank staff. */
export function FaceFailedStep({ step }: StepProps<'faceFailed'>) {
  const run = useCommand();
  const failure = faceFailures[step.reason];
  const text = faceText.failed;
  const retry = canRetry(step);
  return (
    <>
      <StepTitle title={failure.title} en={failure.en} />
      <p className="lead face-failed-detail" data-testid="face-failed-reason" data-reason={step.reason}>
        {retry || step.reason === 'cameraUnavailable' ? failure.detail : text.staffInstead}
      </p>
      {step.lockedUntil !== null ? (
        <NoticeBanner
          tone="warn"
          text={{ zh: text.lockedUntil(formatLocalTime(step.lockedUntil)) }}
          testId="face-locked"
        />
      ) : (
        <p className="face-attempts" data-testid="face-attempts-left">
          {step.attemptsLeft > 0 ? text.attemptsLeft(step.attemptsLeft) : text.noAttemptsLeft}
        </p>
      )}
      <div className="actions">
        {retry ? (
          <Button
            variant="primary"
            size="large"
            testId="face-retry"
            onPress={() => run('flow.answer', { value: 'retry' })}
          >
            {text.retry}
          </Button>
        ) : null}
        <Button
          variant={retry ? 'secondary' : 'primary'}
          size="large"
          testId="face-assisted"
          onPress={() => run('flow.answer', { value: 'assisted' })}
        >
          {text.assisted}
        </Button>
      </div>
    </>
  );
}

export function faceFailedSpeech(step: StepOf<'faceFailed'>): string {
  const failure = faceFailures[step.reason];
  const text = faceText.failed;
  const detail = canRetry(step) || step.reason === 'cameraUnavailable' ? failure.detail : text.staffInstead;
  const left =
    step.lockedUntil !== null
      ? text.lockedUntil(formatLocalTime(step.lockedUntil))
      : `${step.attemptsLeft > 0 ? text.attemptsLeft(step.attemptsLeft) : text.noAttemptsLeft}。`;
  const choices = canRetry(step) ? `可以点${text.retry}，或者点${text.assisted}。` : `请点${text.assisted}。`;
  return `${failure.title}。${detail}${left}${choices}`;
}
