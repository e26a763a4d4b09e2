import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { formatMoney, speakMoney } from '../../i18n/format.ts';
import { flowText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import { positions, type StepOf, type StepProps } from './step.ts';

const usable = (device: string) => device === 'online' || device === 'busy';

/**
 * The PIN goes into the hardware PIN pad, never the screen: the UI only learns how many keys were pressed and
 * shows that many dots. No digit of a PIN can appear here because none ever arrives.
 */
export function PinStep({ step, state }: StepProps<'pin'>) {
  const run = useCommand();
  const text = flowText.pin;
  const padReady = usable(state.devices.pinpad.device);
  return (
    <>
      <StepTitle title={text.title} en={text.en} />
      {padReady ? null : (
        <NoticeBanner tone="danger" text={{ zh: text.padUnavailable }} testId="pinpad-unavailable" />
      )}
      <div className="pin">
        <div className="pin-entry">
          <p className="pin-cover">{text.cover}</p>
          <div
            className="pin-dots"
            data-testid="pin-dots"
            role="img"
            aria-label={text.typed(step.keysEntered, step.pinLength)}
          >
            {positions(step.pinLength).map((id, i) => (
              <span
                key={id}
                className={`pin-dot${i < step.keysEntered ? ' pin-dot-filled' : ''}`}
                data-filled={i < step.keysEntered}
              />
            ))}
          </div>
          <p className="pin-count" aria-live="polite">
            {text.typed(step.keysEntered, step.pinLength)}
          </p>
          <p className="lead">{text.finish}</p>
        </div>
        <dl className="lines pin-facts">
          <div>
            <dt>{text.amount}</dt>
            <dd className="amount" data-testid="pin-amount">
              {formatMoney(step.amountCents)}
            </dd>
          </div>
          <div>
            <dt>{text.bank}</dt>
            <dd>{step.bankName}</dd>
          </div>
          <div>
            <dt>{text.account}</dt>
            <dd className="id-number">{step.accountMasked}</dd>
          </div>
        </dl>
      </div>
      <div className="actions">
        <Button testId="pin-cancel" onPress={() => run('flow.back', {})}>
          {text.cancel}
        </Button>
      </div>
    </>
  );
}

export function pinSpeech(step: StepOf<'pin'>): string {
  return flowText.pin.speech(speakMoney(step.amountCents));
}
