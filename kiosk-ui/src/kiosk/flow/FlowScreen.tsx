import type { ErrorCode, FlowView, KioskState } from '@sik/contract';
import type { ReactNode } from 'react';
import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { bundleText, flowKinds, flowText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { Page } from '../Page.tsx';
import { CardPinStep, cardPinSpeech } from './CardPinStep.tsx';
import { CardProgressStep, cardProgressSpeech } from './CardProgressStep.tsx';
import { CardStoppedStep, cardStoppedSpeech } from './CardStoppedStep.tsx';
import { CardTakeStep, cardTakeSpeech } from './CardTakeStep.tsx';
import { ChooseStep, chooseSpeech } from './ChooseStep.tsx';
import { CommitmentStep, commitmentSpeech } from './CommitmentStep.tsx';
import { ConfirmStep, confirmSpeech } from './ConfirmStep.tsx';
import { ContributionsStep, contributionsSpeech } from './ContributionsStep.tsx';
import { DigitsStep, digitsSpeech } from './DigitsStep.tsx';
import { DocumentPreviewStep, documentPreviewSpeech } from './DocumentPreviewStep.tsx';
import { FaceCaptureStep, faceCaptureSpeech } from './FaceCaptureStep.tsx';
import { FaceConsentStep, faceConsentSpeech } from './FaceConsentStep.tsx';
import { FaceFailedStep, faceFailedSpeech } from './FaceFailedStep.tsx';
import { LoadingStep, loadingSpeech } from './LoadingStep.tsx';
import { NotEligibleStep, notEligibleSpeech } from './NotEligibleStep.tsx';
import { PensionPaymentsStep, pensionPaymentsSpeech } from './PensionPaymentsStep.tsx';
import { PinStep, pinSpeech } from './PinStep.tsx';
import { QrStep, qrSpeech } from './QrStep.tsx';
import { RecordsSummaryStep, recordsSummarySpeech } from './RecordsSummaryStep.tsx';
import { ResultStep, resultSpeech } from './ResultStep.tsx';
import { StaffConfirmStep, staffConfirmSpeech } from './StaffConfirmStep.tsx';
import { StaffSignInStep, staffSignInSpeech } from './StaffSignInStep.tsx';

/**
 * Problems a second try can fix (the server, the bank or a device did not answer). Refusals (not eligible,
 * declined, invalid input) are answered by changing an answer, not by trying again. The contract has no
 * per-error "retryable" flag, so this list is the UI's judgement; the agent refuses a retry it cannot do.
 */
const RETRYABLE: readonly ErrorCode[] = [
  'SERVER_UNREACHABLE',
  'UPSTREAM_UNAVAILABLE',
  'DEVICE_NOT_READY',
  'DEVICE_ERROR',
  'INTERNAL',
];

/** The flow's title: the service, or the bundled matter. */
export function flowTitle(flow: FlowView): string {
  return flow.kind === 'bundle' ? bundleText(flow.bundleId ?? '').title : flowKinds[flow.kind];
}

/** The component of the current step. */
function StepBody({ flow, state }: { flow: FlowView; state: KioskState }): ReactNode {
  const step = flow.step;
  switch (step.type) {
    case 'loading':
      return <LoadingStep step={step} flow={flow} state={state} />;
    case 'choose':
      return <ChooseStep step={step} flow={flow} state={state} />;
    case 'digits':
      return <DigitsStep step={step} flow={flow} state={state} />;
    case 'commitment':
      return <CommitmentStep step={step} flow={flow} state={state} />;
    case 'confirm':
      return <ConfirmStep step={step} flow={flow} state={state} />;
    case 'notEligible':
      return <NotEligibleStep step={step} flow={flow} state={state} />;
    case 'recordsSummary':
      return <RecordsSummaryStep step={step} flow={flow} state={state} />;
    case 'contributions':
      return <ContributionsStep step={step} flow={flow} state={state} />;
    case 'pensionPayments':
      return <PensionPaymentsStep step={step} flow={flow} state={state} />;
    case 'pin':
      return <PinStep step={step} flow={flow} state={state} />;
    case 'qr':
      return <QrStep step={step} flow={flow} state={state} />;
    case 'documentPreview':
      return <DocumentPreviewStep step={step} flow={flow} state={state} />;
    case 'result':
      return <ResultStep step={step} flow={flow} state={state} />;
    case 'faceConsent':
      return <FaceConsentStep step={step} flow={flow} state={state} />;
    case 'faceCapture':
      return <FaceCaptureStep step={step} flow={flow} state={state} />;
    case 'faceFailed':
      return <FaceFailedStep step={step} flow={flow} state={state} />;
    case 'staffSignIn':
      return <StaffSignInStep step={step} flow={flow} state={state} />;
    case 'staffConfirm':
      return <StaffConfirmStep step={step} flow={flow} state={state} />;
    case 'cardProgress':
      return <CardProgressStep step={step} flow={flow} state={state} />;
    case 'cardPin':
      return <CardPinStep step={step} flow={flow} state={state} />;
    case 'cardTake':
      return <CardTakeStep step={step} flow={flow} state={state} />;
    case 'cardStopped':
      return <CardStoppedStep step={step} flow={flow} state={state} />;
  }
}

/** What the current step says aloud (without progress or error, which flowSpeech adds). */
export function stepSpeech(flow: FlowView): string {
  const step = flow.step;
  switch (step.type) {
    case 'loading':
      return loadingSpeech(step);
    case 'choose':
      return chooseSpeech(step);
    case 'digits':
      return digitsSpeech(step);
    case 'commitment':
      return commitmentSpeech(step);
    case 'confirm':
      return confirmSpeech(step, flow.kind);
    case 'notEligible':
      return notEligibleSpeech(step);
    case 'recordsSummary':
      return recordsSummarySpeech(step);
    case 'contributions':
      return contributionsSpeech(step);
    case 'pensionPayments':
      return pensionPaymentsSpeech(step);
    case 'pin':
      return pinSpeech(step);
    case 'qr':
      return qrSpeech(step);
    case 'documentPreview':
      return documentPreviewSpeech(step);
    case 'result':
      return resultSpeech(step);
    case 'faceConsent':
      return faceConsentSpeech(step, flow.kind === 'socialSecurityCard');
    case 'faceCapture':
      return faceCaptureSpeech(step);
    case 'faceFailed':
      return faceFailedSpeech(step);
    case 'staffSignIn':
      return staffSignInSpeech(step);
    case 'staffConfirm':
      return staffConfirmSpeech(step);
    case 'cardProgress':
      return cardProgressSpeech(step);
    case 'cardPin':
      return cardPinSpeech(step);
    case 'cardTake':
      return cardTakeSpeech(step);
    case 'cardStopped':
      return cardStoppedSpeech(step);
  }
}

/** The whole screen read aloud: the problem first, then where we are, then the step. */
export function flowSpeech(flow: FlowView): string {
  const error = flow.error ? flowText.errorSpeech(flow.error.message) : '';
  const progress = flow.progress ? `${flowText.progress(flow.progress.index, flow.progress.total)}。` : '';
  return `${error}${flowTitle(flow)}。${progress}${stepSpeech(flow)}`;
}

/**
 * While money or a submission is in flight, or a card is being made for the citizen (a half-made card would go
 * to the secure box), the agent will not let the citizen leave; the UI says the same.
 */
const committing = (flow: FlowView) =>
  (flow.step.type === 'loading' && (flow.step.label === 'paying' || flow.step.label === 'submitting')) ||
  flow.step.type === 'cardProgress' ||
  flow.step.type === 'cardPin' ||
  flow.step.type === 'cardTake';

/**
 * Phase 'service': one step of a flow per screen. Above the step: the service's name and 第n步/共m步, and the
 * last problem with "再试一次" where trying again can help. In the bar: 上一步 and 返回首页 (with call staff,
 * elder mode and speech, as on every screen).
 */
export function FlowScreen({ state, flow }: { state: KioskState; flow: FlowView }) {
  const run = useCommand();
  const retryable = flow.error !== null && RETRYABLE.includes(flow.error.code);
  const bar = (
    <>
      {flow.canGoBack ? (
        <Button variant="onBar" testId="flow-back" onPress={() => run('flow.back', {})}>
          {flowText.back}
        </Button>
      ) : null}
      <Button
        variant="onBar"
        testId="flow-exit"
        disabled={committing(flow)}
        onPress={() => run('flow.exit', {})}
      >
        {flowText.exit}
      </Button>
    </>
  );
  return (
    <Page
      state={state}
      testId="screen-service"
      className={`page-flow page-flow-${flow.step.type}`}
      speech={flowSpeech(flow)}
      barStart={bar}
    >
      <div className="flow-head">
        <p className="flow-kind" data-testid="flow-kind">
          {flowTitle(flow)}
        </p>
        {flow.progress ? (
          <p className="flow-progress" data-testid="flow-progress">
            {flowText.progress(flow.progress.index, flow.progress.total)}
          </p>
        ) : null}
      </div>
      {flow.error ? (
        <div className="flow-error">
          <NoticeBanner tone="danger" text={{ zh: flow.error.message }} testId="flow-error" />
          {retryable ? (
            <Button variant="primary" testId="flow-retry" onPress={() => run('flow.retry', {})}>
              {flowText.retry}
            </Button>
          ) : null}
        </div>
      ) : null}
      <div className="flow-step" data-testid={`flow-step-${flow.step.type}`}>
        <StepBody flow={flow} state={state} />
      </div>
    </Page>
  );
}

/** Phase 'service' published without a flow (only between two publishes): say "opening", offer the way home. */
export function FlowOpening({ state }: { state: KioskState }) {
  const run = useCommand();
  return (
    <Page
      state={state}
      testId="screen-service"
      speech={flowText.opening}
      barStart={
        <Button variant="onBar" testId="flow-exit" onPress={() => run('flow.exit', {})}>
          {flowText.exit}
        </Button>
      }
    >
      <h1 aria-live="polite">{flowText.opening}</h1>
    </Page>
  );
}
