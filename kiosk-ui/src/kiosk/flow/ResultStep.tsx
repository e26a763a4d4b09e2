import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { flowText, itemName, itemStatuses, outcomes } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/**
 * One answer for the whole matter: what happened to each item, in plain words, with its case number; whether
 * paper came out; and, while a payment is unconfirmed, that nothing will be charged twice.
 */
export function ResultStep({ step }: StepProps<'result'>) {
  const run = useCommand();
  const text = flowText.result;
  const outcome = outcomes[step.outcome];
  return (
    <>
      <StepTitle title={outcome.title} en={outcome.en} />
      {step.outcome === 'pending' ? (
        <NoticeBanner tone="info" text={{ zh: text.pending }} testId="result-pending" />
      ) : null}
      <div className="result-layout">
        {/* The list's items and the actions share one grid, so the actions take a free cell beside the items. */}
        <ul
          className="result-items"
          // biome-ignore lint/a11y/noRedundantRoles: with display: contents some browsers drop the list role
          role="list"
        >
          {step.items.map((item) => (
            <li
              key={item.item}
              className={`result-item result-${item.status}`}
              data-testid={`result-item-${item.item}`}
              data-status={item.status}
            >
              <p className="result-head">
                <span className="result-name">{itemName(item.item)}</span>
                <span className={`result-status status-${item.status}`}>{itemStatuses[item.status]}</span>
              </p>
              <p className="result-message">{item.message}</p>
              {item.reference ? (
                <p className="result-reference">
                  {text.reference}：<span className="id-number">{item.reference}</span>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
        <div className="actions result-actions">
          {step.printed ? (
            <NoticeBanner
              tone="info"
              text={{ zh: step.printed === 'receipt' ? text.printedReceipt : text.printedDocument }}
              testId="result-printed"
            />
          ) : null}
          {step.printProblem ? (
            <NoticeBanner tone="warn" text={{ zh: step.printProblem }} testId="result-print-problem" />
          ) : null}
          {step.printProblem ? (
            <Button testId="flow-print" size="large" onPress={() => run('flow.print', {})}>
              {text.printAgain}
            </Button>
          ) : null}
          <Button variant="primary" size="large" testId="flow-done" onPress={() => run('flow.exit', {})}>
            {flowText.done}
          </Button>
        </div>
      </div>
    </>
  );
}

export function resultSpeech(step: StepOf<'result'>): string {
  const text = flowText.result;
  const items = step.items
    .map((item) => text.speechItem(itemName(item.item), itemStatuses[item.status], item.message))
    .join('');
  const printed =
    step.printed === 'receipt'
      ? `${text.printedReceipt}。`
      : step.printed === 'document'
        ? `${text.printedDocument}。`
        : '';
  const pending = step.outcome === 'pending' ? text.pending : '';
  return `${outcomes[step.outcome].speech}${items}${pending}${printed}${step.printProblem ?? ''}`;
}
