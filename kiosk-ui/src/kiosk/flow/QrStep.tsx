import { formatCountdown, formatMoney, speakMoney } from '../../i18n/format.ts';
import { flowText } from '../../i18n/zh-CN.ts';
import { useNow } from '../hooks.ts';
import { QrCode } from './QrCode.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/** Pay by scanning: the code, the amount, and how long the code stays valid (the agent decides when it ends). */
export function QrStep({ step }: StepProps<'qr'>) {
  const text = flowText.qr;
  const now = useNow(1000);
  const expiresAt = Date.parse(step.expiresAt);
  const secondsLeft = Number.isNaN(expiresAt) ? null : (expiresAt - now) / 1000;
  const expired = secondsLeft !== null && secondsLeft <= 0;
  return (
    <>
      <StepTitle title={text.title} en={text.en} hint={text.hint} />
      <div className="qr">
        {expired ? null : <QrCode content={step.content} label={text.codeLabel} testId="qr-code" />}
        <div className="qr-facts">
          <p className="qr-amount-label">{text.amount}</p>
          <p className="amount" data-testid="qr-amount">
            {formatMoney(step.amountCents)}
          </p>
          {secondsLeft === null ? null : (
            <p className={expired ? 'qr-expired' : 'qr-expiry'} data-testid="qr-expiry">
              {expired ? text.expired : text.expiresIn(formatCountdown(secondsLeft))}
            </p>
          )}
        </div>
      </div>
    </>
  );
}

export function qrSpeech(step: StepOf<'qr'>): string {
  return flowText.qr.speech(speakMoney(step.amountCents));
}
