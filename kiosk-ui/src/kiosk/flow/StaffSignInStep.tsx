import { useId, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { assistReasons, faceText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

type Field = 'staffNumber' | 'password' | 'otp';
type Values = Record<Field, string>;

const EMPTY: Values = { staffNumber: '', password: '', otp: '' };
const NUMERIC: Readonly<Record<Field, boolean>> = { staffNumber: true, password: false, otp: true };
const MAX_LENGTH: Readonly<Record<Field, number>> = { staffNumber: 6, password: 64, otp: 6 };
const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'] as const;
const LAST_ROW = ROWS.length - 1;

const complete = (v: Values) =>
  /^\d{6}$/.test(v.staffNumber) && v.password.length > 0 && /^\d{6}$/.test(v.otp);

/** Keeps what a field may hold: digits only for the number fields, and no more than its length. */
const clean = (field: Field, value: string) =>
  (NUMERIC[field] ? value.replace(/\D/g, '') : value).slice(0, MAX_LENGTH[field]);

/**
 * A bank staff member signs in at the kiosk for the assisted path: staff number, password and the one-time
 * code from their authenticator, typed on the screen's own keyboard (or a keyboard, if the kiosk has one).
 * The three go to the agent in one command and are wiped from this screen the moment they are sent.
 */
export function StaffSignInStep({ step }: StepProps<'staffSignIn'>) {
  const run = useCommand();
  const id = useId();
  const text = faceText.staffSignIn;
  const [values, setValues] = useState<Values>(EMPTY);
  const [active, setActive] = useState<Field>('staffNumber');
  const [upper, setUpper] = useState(false);

  const set = (field: Field, value: string) => setValues((v) => ({ ...v, [field]: clean(field, value) }));
  const type = (key: string) => setValues((v) => ({ ...v, [active]: clean(active, v[active] + key) }));
  const erase = () => setValues((v) => ({ ...v, [active]: v[active].slice(0, -1) }));
  const submit = () => {
    if (!complete(values)) return;
    const credentials = values;
    // Nothing of the credentials stays on screen or in memory here once they are on their way.
    setValues(EMPTY);
    setActive('staffNumber');
    // A wrong entry comes back as the step with `failed`; the generic problem banner would say it twice.
    return run('flow.staffSignIn', credentials, ['UNAUTHORIZED']);
  };

  const input = (field: Field, label: string, testId: string) => (
    <div className={`field${active === field ? ' field-active' : ''}`}>
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        className="field-input"
        data-testid={testId}
        type={field === 'password' ? 'password' : 'text'}
        inputMode="none"
        autoComplete="off"
        autoCapitalize="off"
        autoCorrect="off"
        spellCheck={false}
        placeholder={NUMERIC[field] ? text.sixDigits : undefined}
        value={values[field]}
        onFocus={() => setActive(field)}
        onChange={(event) => set(field, event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void submit();
        }}
      />
    </div>
  );

  const numeric = NUMERIC[active];
  const specialKeys = (
    <>
      <button
        type="button"
        className="key key-wide"
        data-testid="staff-key-shift"
        aria-pressed={upper}
        disabled={numeric}
        onClick={() => setUpper(!upper)}
      >
        {text.shift}
      </button>
      <button
        type="button"
        className="key key-wide"
        data-testid="staff-key-backspace"
        disabled={values[active].length === 0}
        onClick={erase}
      >
        {text.backspace}
      </button>
    </>
  );
  return (
    <>
      <StepTitle title={text.title} en={text.en} hint={text.hint(assistReasons[step.reason])} />
      {step.failed ? (
        <NoticeBanner tone="danger" text={{ zh: text.failed }} testId="staff-signin-failed" />
      ) : null}
      {/* Typed by bank staff: normal sizes even in elder mode, so fields and keyboard fit side by side. */}
      <div className="staff-signin staff-only" data-testid="staff-signin" data-reason={step.reason}>
        <div className="staff-fields">
          {input('staffNumber', text.staffNumber, 'staff-number')}
          {input('password', text.password, 'staff-password')}
          {input('otp', text.otp, 'staff-otp')}
          <Button
            variant="primary"
            size="large"
            testId="staff-signin-submit"
            disabled={!complete(values)}
            onPress={submit}
          >
            {text.submit}
          </Button>
        </div>
        <fieldset className="keyboard" data-testid="staff-keyboard">
          <legend className="visually-hidden">{text.keyboard}</legend>
          {ROWS.map((row, index) => (
            <div className="keyboard-row" key={row}>
              {[...row].map((key) => {
                const letter = /[a-z]/.test(key);
                const shown = letter && upper ? key.toUpperCase() : key;
                return (
                  <button
                    type="button"
                    key={key}
                    className="key"
                    data-testid={`staff-key-${key}`}
                    disabled={letter && numeric}
                    onClick={() => type(shown)}
                  >
                    {shown}
                  </button>
                );
              })}
              {index === LAST_ROW ? specialKeys : null}
            </div>
          ))}
        </fieldset>
      </div>
    </>
  );
}

export function staffSignInSpeech(step: StepOf<'staffSignIn'>): string {
  const text = faceText.staffSignIn;
  return `${step.failed ? `${text.failed}。` : ''}${text.hint(assistReasons[step.reason])}。${text.speech}`;
}
