import { Button } from '../../components/Button.tsx';
import { assistReasons, faceText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/** The signed-in staff member checks the ID card against the person in front of them and confirms. */
export function StaffConfirmStep({ step }: StepProps<'staffConfirm'>) {
  const run = useCommand();
  const text = faceText.staffConfirm;
  return (
    <>
      <StepTitle title={text.title} en={text.en} />
      <dl className="lines" data-testid="staff-confirm-lines">
        <div>
          <dt>{text.staff}</dt>
          <dd data-testid="staff-confirm-staff">{step.staffName}</dd>
        </div>
        <div>
          <dt>{text.name}</dt>
          <dd>{step.maskedName}</dd>
        </div>
        <div>
          <dt>{text.idNumber}</dt>
          <dd className="id-number">{step.maskedIdNumber}</dd>
        </div>
        <div>
          <dt>{text.reason}</dt>
          <dd>{assistReasons[step.reason]}</dd>
        </div>
      </dl>
      <p className="lead flow-hint-strong">{text.statement}</p>
      <div className="actions">
        <Button
          variant="primary"
          size="large"
          testId="staff-confirm"
          onPress={() => run('flow.answer', { value: 'confirm' })}
        >
          {text.confirm}
        </Button>
      </div>
    </>
  );
}

/** No names and no ID number aloud; the reason is. */
export function staffConfirmSpeech(step: StepOf<'staffConfirm'>): string {
  const text = faceText.staffConfirm;
  return `${text.speech}${text.reason}：${assistReasons[step.reason]}。`;
}
