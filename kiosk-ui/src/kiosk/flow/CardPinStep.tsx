import { useEffect } from 'react';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { cardText } from '../../i18n/zh-CN.ts';
import { useSpeaker } from '../../speech/context.tsx';
import { StepTitle } from './StepTitle.tsx';
import { positions, type StepOf, type StepProps } from './step.ts';

const usable = (device: string) => device === 'online' || device === 'busy';

/** 12 keys of the drawn PIN pad, as rows of three (positions only: no digit is drawn). */
const PAD_KEYS = Array.from({ length: 12 }, (_, i) => ({
  id: `k${i}`,
  x: 40 + (i % 3) * 62,
  y: 92 + Math.floor(i / 3) * 44,
}));

/**
 * A still drawing: the PIN pad, and a hand held over it like a roof. Nothing moves; the words beside it say
 * the same, so the picture is help, not the only way to understand.
 */
function CoverPadPicture({ label }: { label: string }) {
  return (
    <svg className="card-pin-picture" viewBox="0 0 280 300" role="img" aria-label={label}>
      <title>{label}</title>
      {/* the PIN pad */}
      <rect x="20" y="70" width="220" height="220" rx="18" fill="var(--c-text)" />
      {PAD_KEYS.map((key) => (
        <rect key={key.id} x={key.x} y={key.y} width="52" height="34" rx="6" fill="var(--c-surface)" />
      ))}
      {/* the covering hand, held over the upper keys: a palm, four fingers down, the thumb to the side */}
      <g fill="var(--c-secondary)" stroke="var(--c-primary)" strokeWidth="5" strokeLinejoin="round">
        <rect x="104" y="8" width="116" height="92" rx="30" />
        <rect x="106" y="70" width="26" height="78" rx="13" />
        <rect x="135" y="74" width="26" height="88" rx="13" />
        <rect x="164" y="74" width="26" height="84" rx="13" />
        <rect x="193" y="70" width="26" height="70" rx="13" />
        <rect x="214" y="20" width="24" height="62" rx="12" transform="rotate(-35 226 51)" />
      </g>
    </svg>
  );
}

/** The citizen types on the PIN pad, not here: the phase and a mismatch are said aloud when they change. */
function useSpokenPhase(step: StepOf<'cardPin'>) {
  const speaker = useSpeaker();
  const { phase, mismatch, pinLength } = step;
  useEffect(() => {
    if (!speaker.supported) return;
    speaker.speak(cardPinSpeech({ phase, mismatch, pinLength }));
  }, [phase, mismatch, pinLength, speaker]);
}

/**
 * The card's PIN is chosen on the hardware PIN pad, typed twice. The screen learns only how many keys are down
 * and shows that many dots: no digit can appear here because none arrives. Nothing here can be tapped; the
 * PIN pad's own keys confirm and correct.
 */
export function CardPinStep({ step, state }: StepProps<'cardPin'>) {
  const text = cardText.pin;
  const padReady = usable(state.devices.pinpad.device);
  useSpokenPhase(step);
  const title = step.phase === 'new' ? text.newTitle(step.pinLength) : text.repeatTitle;
  const hint = step.phase === 'repeat' ? text.repeatHint(step.pinLength) : undefined;
  return (
    <div className="card-pin" data-testid="card-pin" data-phase={step.phase} data-keys={step.keysEntered}>
      <div className="card-pin-main">
        <StepTitle title={title} en={text.en[step.phase]} hint={hint} />
        {padReady ? null : (
          <NoticeBanner tone="danger" text={{ zh: text.padUnavailable }} testId="pinpad-unavailable" />
        )}
        {step.mismatch ? (
          <NoticeBanner tone="warn" text={{ zh: text.mismatch }} testId="card-pin-mismatch" />
        ) : null}
        <div
          className="pin-dots"
          data-testid="card-pin-dots"
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
        <p className="card-pin-facts">
          <span className="pin-count" aria-live="polite">
            {text.typed(step.keysEntered, step.pinLength)}
          </span>
          {step.secondsLeft > 0 ? (
            <span className="card-pin-seconds" data-testid="card-pin-seconds">
              {text.secondsLeft(step.secondsLeft)}
            </span>
          ) : null}
        </p>
        <p className="lead">{text.correct}</p>
      </div>
      <figure className="card-pin-help">
        <CoverPadPicture label={text.pictureLabel} />
        <figcaption className="pin-cover">{text.cover}</figcaption>
      </figure>
    </div>
  );
}

export function cardPinSpeech(step: Pick<StepOf<'cardPin'>, 'phase' | 'mismatch' | 'pinLength'>): string {
  const text = cardText.pin;
  const mismatch = step.mismatch ? `${text.mismatch}。` : '';
  return `${mismatch}${step.phase === 'new' ? text.speechNew(step.pinLength) : text.speechRepeat}`;
}
