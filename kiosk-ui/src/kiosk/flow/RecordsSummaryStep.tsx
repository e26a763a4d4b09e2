import { Button } from '../../components/Button.tsx';
import { formatDate, formatMoney, speakMoney } from '../../i18n/format.ts';
import {
  flowText,
  insuranceSchemes,
  insuranceStatuses,
  insuranceTypes,
  pensionStatuses,
} from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/**
 * The records query, elder-friendly: one plain line per insurance, then the three numbers people ask about
 * (pension a month and when to authenticate, the personal account, years paid). Details are one tap away.
 */
export function RecordsSummaryStep({ step }: StepProps<'recordsSummary'>) {
  const run = useCommand();
  const { summary } = step;
  const text = flowText.records;
  return (
    <>
      <StepTitle title={text.title} en={text.en} />
      <div className="records">
        <div className="records-main">
          {summary.insurances.length === 0 ? (
            <p className="lead">{text.none}</p>
          ) : (
            <table className="table insurances" data-testid="records-insurances">
              <caption className="visually-hidden">{text.insurancesCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{text.columns.insurance}</th>
                  <th scope="col">{text.columns.status}</th>
                  <th scope="col" className="col-optional">
                    {text.columns.since}
                  </th>
                  <th scope="col">{text.columns.paidTo}</th>
                </tr>
              </thead>
              <tbody>
                {summary.insurances.map((line) => (
                  <tr key={`${line.type}-${line.scheme}`} data-testid={`insurance-${line.type}`}>
                    <th scope="row">
                      {insuranceTypes[line.type]}
                      <span className="insurance-scheme">（{insuranceSchemes[line.scheme]}）</span>
                    </th>
                    <td className={`status-${line.status}`}>{insuranceStatuses[line.status]}</td>
                    <td className="col-optional">{formatDate(line.since)}</td>
                    <td>{line.lastYearPaid === null ? text.noYearPaid : `${line.lastYearPaid}年`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="actions">
            <Button
              variant="primary"
              testId="flow-view-contributions"
              onPress={() => run('flow.view', { view: 'contributions' })}
            >
              {text.viewContributions}
            </Button>
            {summary.pension ? (
              <Button
                variant="primary"
                testId="flow-view-pensionPayments"
                onPress={() => run('flow.view', { view: 'pensionPayments' })}
              >
                {text.viewPensionPayments}
              </Button>
            ) : null}
          </div>
        </div>
        <dl className="figures">
          {summary.pension ? (
            <div className="figure-pension" data-testid="records-pension">
              <dt>
                {text.pensionMonthly}（{pensionStatuses[summary.pension.status]}）
              </dt>
              <dd>
                <strong>{formatMoney(summary.pension.monthlyAmountCents)}</strong>
              </dd>
              <dd className="figure-note" data-testid="records-authentication">
                {summary.pension.nextAuthenticationDue
                  ? `${text.nextAuthentication}：${formatDate(summary.pension.nextAuthenticationDue)}`
                  : text.noAuthenticationDue}
              </dd>
            </div>
          ) : null}
          <div data-testid="records-account">
            <dt>{text.account}</dt>
            <dd>
              <strong>{formatMoney(summary.personalAccountCents)}</strong>
            </dd>
          </div>
          <div data-testid="records-years" className="figure-inline">
            <dt>{text.years}</dt>
            <dd>
              <strong>{text.yearsValue(summary.contributionYears)}</strong>
            </dd>
          </div>
        </dl>
      </div>
    </>
  );
}

export function recordsSummarySpeech(step: StepOf<'recordsSummary'>): string {
  const { summary } = step;
  const text = flowText.records;
  const lines = summary.insurances.map(
    (line) =>
      `${insuranceTypes[line.type]}，${insuranceStatuses[line.status]}，${
        line.lastYearPaid === null ? text.noYearPaid : text.lastYearPaid(line.lastYearPaid)
      }。`,
  );
  const pension = summary.pension
    ? `${text.pensionMonthly}${speakMoney(summary.pension.monthlyAmountCents)}，${
        pensionStatuses[summary.pension.status]
      }。${
        summary.pension.nextAuthenticationDue
          ? `${text.nextAuthentication}${formatDate(summary.pension.nextAuthenticationDue)}。`
          : ''
      }`
    : '';
  return `${text.speech}${summary.insurances.length === 0 ? `${text.none}。` : lines.join('')}${pension}${
    text.account
  }${speakMoney(summary.personalAccountCents)}。${text.years}${text.yearsValue(summary.contributionYears)}。`;
}
