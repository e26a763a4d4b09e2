import { Button } from '../../components/Button.tsx';
import { flowText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/** The rule that stops the service, in the server's plain words, and where to go instead. */
export function NotEligibleStep({ step }: StepProps<'notEligible'>) {
  const run = useCommand();
  const text = flowText.notEligible;
  return (
    <>
      <StepTitle title={text.title} en={text.en} />
      <div className="reasons">
        <p className="reasons-title">{text.reasonsTitle}</p>
        <ul data-testid="not-eligible-reasons">
          {step.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      </div>
      <p className="lead">{text.help}</p>
      <div className="actions">
        <Button variant="primary" size="large" testId="flow-done" onPress={() => run('flow.exit', {})}>
          {flowText.exit}
        </Button>
      </div>
    </>
  );
}

export function notEligibleSpeech(step: StepOf<'notEligible'>): string {
  return `${flowText.notEligible.speech}${step.reasons.join('')}${flowText.notEligible.help}`;
}
