import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { flowText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/** Whether a printer can take a job now: the agent publishes its state; paper out stops it. */
export const printerReady = (status: { device: string; media: string }) =>
  (status.device === 'online' || status.device === 'busy') && status.media !== 'out';

/** The certificate as it will be printed (its lines), its pages and verification code, and one print button. */
export function DocumentPreviewStep({ step, state }: StepProps<'documentPreview'>) {
  const run = useCommand();
  const text = flowText.preview;
  const ready = printerReady(state.devices.a4Printer);
  return (
    <>
      <StepTitle title={text.title} en={text.en} />
      {ready ? null : (
        <NoticeBanner tone="warn" text={{ zh: text.printerNotReady }} testId="printer-not-ready" />
      )}
      <div className="preview">
        <section
          className="paper"
          aria-label={text.previewLabel}
          data-testid="preview-paper"
          // A long preview scrolls inside the paper; it must be reachable without a pointer too.
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be keyboard-focusable (axe)
          tabIndex={0}
        >
          <p className="paper-title">{step.title}</p>
          {step.lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of a document may repeat; their order is the key
            <p key={i}>{line}</p>
          ))}
        </section>
        <div className="preview-side">
          <dl className="lines preview-facts">
            <div>
              <dt>{text.code}</dt>
              <dd className="id-number" data-testid="preview-code">
                {step.verificationCode}
              </dd>
            </div>
            <div>
              <dt>{text.pagesLabel}</dt>
              <dd data-testid="preview-pages">{text.pages(step.pages)}</dd>
            </div>
          </dl>
          <div className="actions">
            <Button
              variant="primary"
              size="large"
              testId="flow-print"
              disabled={!ready}
              onPress={() => run('flow.print', {})}
            >
              {text.print}
            </Button>
          </div>
        </div>
      </div>
    </>
  );
}

export function documentPreviewSpeech(step: StepOf<'documentPreview'>): string {
  return flowText.preview.speech(step.title, step.pages);
}
