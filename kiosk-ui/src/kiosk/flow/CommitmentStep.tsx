import { Button } from '../../components/Button.tsx';
import { flowText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/** The notification-and-commitment text (告知承诺) in full, and one button to agree; "上一步" declines. */
export function CommitmentStep({ step }: StepProps<'commitment'>) {
  const run = useCommand();
  const text = flowText.commitment;
  return (
    <>
      <StepTitle title={text.title} en={text.en} hint={text.lead} />
      <section
        className="paper"
        aria-label={text.textLabel}
        data-testid="commitment-text"
        // A long text scrolls inside the paper; it must be reachable without a pointer too.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be keyboard-focusable (axe)
        tabIndex={0}
      >
        <p>{step.text}</p>
      </section>
      <div className="actions">
        <Button
          variant="primary"
          size="large"
          testId="commitment-agree"
          onPress={() => run('flow.answer', { value: 'agree' })}
        >
          {text.agree}
        </Button>
      </div>
    </>
  );
}

/** The whole text is read: someone who cannot read it must still know what they agree to. */
export function commitmentSpeech(step: StepOf<'commitment'>): string {
  return `${flowText.commitment.speechBefore}${step.text}${flowText.commitment.speechAfter}`;
}
