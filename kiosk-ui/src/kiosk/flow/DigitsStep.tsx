import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { flowText, questions } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import { positions, type StepOf, type StepProps } from './step.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * Digits typed on the screen's own keypad (a phone number; not a secret, shown as typed). The digits stay on
 * this screen until "确认" sends them; keys are plain buttons, because a repeated digit (138 8…) is not a
 * double tap.
 */
export function DigitsStep({ step }: StepProps<'digits'>) {
  const run = useCommand();
  const [value, setValue] = useState(step.value.replace(/\D/g, '').slice(0, step.length));
  const text = questions[step.question];
  const type = (digit: string) => setValue((v) => (v.length < step.length ? v + digit : v));
  const left = step.length - value.length;
  const key = (label: string, testId: string, onPress: () => void, disabled: boolean) => (
    <button
      type="button"
      className="key"
      key={testId}
      data-testid={testId}
      disabled={disabled}
      onClick={onPress}
    >
      {label}
    </button>
  );
  return (
    <>
      <StepTitle title={text.title} en={text.en} hint={text.hint} />
      <div className="digits">
        <div className="digits-entry">
          <output
            className="digits-value"
            data-testid="digits-value"
            aria-label={flowText.digits.fieldLabel(text.title)}
          >
            {positions(step.length).map((id, i) => (
              <span key={id} className={`digit-slot${i < value.length ? ' digit-filled' : ''}`}>
                {value[i] ?? ''}
              </span>
            ))}
          </output>
          <p className="digits-count" aria-live="polite">
            {left > 0 ? flowText.digits.needMore(left) : flowText.digits.typed(value.length, step.length)}
          </p>
          <Button
            variant="primary"
            size="large"
            testId="digits-ok"
            disabled={left > 0}
            onPress={() => run('flow.answer', { value })}
          >
            {flowText.digits.ok}
          </Button>
        </div>
        <fieldset className="keypad">
          <legend className="visually-hidden">{flowText.digits.keypad}</legend>
          {KEYS.map((d) => key(d, `digits-key-${d}`, () => type(d), left === 0))}
          {key(flowText.digits.clear, 'digits-clear', () => setValue(''), value.length === 0)}
          {key('0', 'digits-key-0', () => type('0'), left === 0)}
          {key(
            flowText.digits.backspace,
            'digits-backspace',
            () => setValue((v) => v.slice(0, -1)),
            value.length === 0,
          )}
        </fieldset>
      </div>
    </>
  );
}

export function digitsSpeech(step: StepOf<'digits'>): string {
  return `${questions[step.question].speech}共${step.length}位。`;
}
