import { Button } from '../../components/Button.tsx';
import { flowText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import { type StepOf, type StepProps, speakable } from './step.ts';

const paysMoney = (kind: string) => kind === 'contributionPayment' || kind === 'bundle';

/** Everything the citizen answered, to check before one submission. */
export function ConfirmStep({ step, flow }: StepProps<'confirm'>) {
  const run = useCommand();
  const text = flowText.confirm;
  return (
    <>
      <StepTitle title={text.title} en={text.en} />
      <dl className="lines" data-testid="confirm-lines">
        {step.lines.map((line) => (
          <div key={line.label}>
            <dt>{line.label}</dt>
            <dd>{line.value}</dd>
          </div>
        ))}
      </dl>
      <div className="actions">
        <Button
          variant="primary"
          size="large"
          testId="flow-confirm"
          onPress={() => run('flow.answer', { value: 'confirm' })}
        >
          {paysMoney(flow.kind) ? text.pay : text.submit}
        </Button>
      </div>
    </>
  );
}

/** Lines are read aloud except masked or long numbers (names, ID, account and phone numbers). */
export function confirmSpeech(step: StepOf<'confirm'>, kind: string): string {
  const lines = step.lines
    .filter((line) => speakable(line.value))
    .map((line) => `${line.label}：${line.value}。`)
    .join('');
  const text = flowText.confirm;
  return `${text.speechIntro}${lines}${paysMoney(kind) ? text.speechPay : text.speechSubmit}`;
}
