import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { cardStops, cardText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/**
 * Making the card stopped: what happened and what happens next in plain words; whether the application is
 * kept and staff were told; the reference large, for the staff member who comes; one way home.
 */
export function CardStoppedStep({ step }: StepProps<'cardStopped'>) {
  const run = useCommand();
  const stop = cardStops[step.reason];
  const text = cardText.stopped;
  return (
    <div className="card-stopped" data-testid="card-stopped" data-reason={step.reason}>
      <StepTitle title={stop.title} en={stop.en} />
      <p className="lead card-stopped-detail" data-testid="card-stopped-detail">
        {stop.detail}
      </p>
      <div className="card-stopped-facts">
        <NoticeBanner
          tone={step.applicationKept ? 'info' : 'warn'}
          text={{ zh: step.applicationKept ? text.kept : text.notKept }}
          testId="card-stopped-kept"
        />
        <NoticeBanner
          tone="info"
          text={{ zh: step.staffAlerted ? text.staffAlerted : text.askStaff }}
          testId="card-stopped-staff"
        />
      </div>
      <div className="card-stopped-end">
        {step.reference ? (
          <p className="card-stopped-reference">
            <span className="card-stopped-reference-label">{text.reference}</span>
            <span className="id-number card-stopped-reference-value" data-testid="card-stopped-reference">
              {step.reference}
            </span>
          </p>
        ) : null}
        <Button
          variant="primary"
          size="large"
          testId="card-stopped-home"
          onPress={() => run('flow.exit', {})}
        >
          {text.home}
        </Button>
      </div>
    </div>
  );
}

export function cardStoppedSpeech(step: StepOf<'cardStopped'>): string {
  const stop = cardStops[step.reason];
  const text = cardText.stopped;
  return `${stop.title}。${stop.detail}${step.applicationKept ? text.kept : text.notKept}。${
    step.staffAlerted ? text.staffAlerted : text.askStaff
  }。`;
}
