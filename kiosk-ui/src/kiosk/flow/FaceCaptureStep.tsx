import type { FaceHint, FaceInstruction } from '@sik/contract';
import { useEffect, useRef } from 'react';
import { faceHints, faceInstructions, faceText } from '../../i18n/zh-CN.ts';
import { useSpeaker } from '../../speech/context.tsx';
import { useCameraPreview } from './camera-preview.ts';
import type { StepOf, StepProps } from './step.ts';

/** A hint must hold this long before it is spoken, so a hint that flickers between frames is not read out. */
export const HINT_SPEECH_DELAY_MS = 800;

const ARROWS: Partial<Record<FaceInstruction, string>> = { turnLeft: '←', turnRight: '→' };

/**
 * Says the instruction when it changes, and a hint once it has held for a moment. The citizen is looking at
 * the camera, not reading, so this screen speaks by itself (where the browser can); 停止 in the bar stops it.
 */
function useSpokenGuidance(instruction: FaceInstruction, hint: FaceHint | null) {
  const speaker = useSpeaker();
  const spokenHint = useRef<FaceHint | null>(null);
  useEffect(() => {
    if (!speaker.supported) return;
    spokenHint.current = null;
    speaker.speak(faceInstructions[instruction].speech);
  }, [instruction, speaker]);
  useEffect(() => {
    if (!speaker.supported || hint === null || hint === spokenHint.current) return;
    const timer = setTimeout(() => {
      spokenHint.current = hint;
      speaker.speak(`${faceHints[hint]}。`);
    }, HINT_SPEECH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [hint, speaker]);
}

/**
 * The camera is on: the live preview (mirrored, like a mirror) inside a face guide, and beside it one big
 * instruction, the hint about what to change, the seconds left and which attempt this is.
 */
export function FaceCaptureStep({ step, flow }: StepProps<'faceCapture'>) {
  const preview = useCameraPreview(flow.flowId);
  const instruction = faceInstructions[step.instruction];
  const text = faceText.capture;
  useSpokenGuidance(step.instruction, step.hint);
  const arrow = ARROWS[step.instruction];
  return (
    <div className="face-capture" data-testid="face-capture">
      <figure
        className="face-preview"
        data-testid="face-preview"
        data-frames={preview.frames}
        aria-label={text.previewLabel}
      >
        {preview.url ? (
          <img className="face-image" src={preview.url} alt={text.previewLabel} />
        ) : (
          <div className="face-waiting" data-testid="face-preview-waiting">
            {text.waiting}
          </div>
        )}
        <svg className="face-guide" viewBox="0 0 320 240" aria-hidden="true" preserveAspectRatio="none">
          <defs>
            <mask id="face-guide-hole">
              <rect width="320" height="240" fill="white" />
              <ellipse cx="160" cy="118" rx="62" ry="84" fill="black" />
            </mask>
          </defs>
          <rect width="320" height="240" className="face-guide-shade" mask="url(#face-guide-hole)" />
          <ellipse cx="160" cy="118" rx="62" ry="84" className="face-guide-line" />
        </svg>
      </figure>
      <div className="face-side">
        <h1 data-testid="face-instruction" data-instruction={step.instruction} aria-live="assertive">
          {arrow ? (
            <span className="face-arrow" aria-hidden="true">
              {arrow}
            </span>
          ) : null}
          {instruction.title}
          <span className="h1-en" lang="en">
            {instruction.en}
          </span>
        </h1>
        <p
          className={`face-hint${step.hint ? ' face-hint-on' : ''}`}
          data-testid="face-hint"
          data-hint={step.hint ?? ''}
          aria-live="polite"
        >
          {step.hint ? faceHints[step.hint] : text.guide}
        </p>
        <p className="face-facts">
          <span className="face-seconds" data-testid="face-seconds">
            {text.secondsLeft(step.secondsLeft)}
          </span>
          <span className="face-attempt" data-testid="face-attempt">
            {text.attempt(step.attempt, step.maxAttempts)}
          </span>
        </p>
      </div>
    </div>
  );
}

export function faceCaptureSpeech(step: StepOf<'faceCapture'>): string {
  const hint = step.hint ? `${faceHints[step.hint]}。` : '';
  return `${faceInstructions[step.instruction].speech}${hint}${faceText.capture.secondsLeft(step.secondsLeft)}。`;
}
