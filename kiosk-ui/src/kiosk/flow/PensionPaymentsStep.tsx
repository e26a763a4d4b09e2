import { formatDate, formatMoney } from '../../i18n/format.ts';
import { flowText } from '../../i18n/zh-CN.ts';
import { PagedTable } from './PagedTable.tsx';
import { RecordsBack } from './RecordsBack.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

type Month = StepOf<'pensionPayments'>['months'][number];

const text = flowText.records;
const columns = [
  { key: 'month', title: text.columns.month },
  { key: 'amount', title: text.columns.paid, numeric: true },
  { key: 'status', title: text.columns.status },
] as const;

function cell(row: Month, column: string) {
  if (column === 'month') return formatDate(row.month);
  if (column === 'amount') return formatMoney(row.amountCents);
  return <span className={`status-${row.status}`}>{text.paymentStatuses[row.status]}</span>;
}

export function PensionPaymentsStep({ step, state }: StepProps<'pensionPayments'>) {
  return (
    <>
      <StepTitle title={text.pensionPaymentsTitle} en={text.pensionPaymentsEn} />
      <PagedTable
        caption={text.pensionPaymentsTitle}
        columns={columns}
        rows={step.months}
        rowKey={(row) => row.month}
        cell={cell}
        pageSize={state.displayMode === 'elder' ? 5 : 6}
        end={<RecordsBack />}
      />
    </>
  );
}

export function pensionPaymentsSpeech(step: StepOf<'pensionPayments'>): string {
  const withheld = step.months.filter((m) => m.status === 'withheld').map((m) => formatDate(m.month));
  return `${text.speechPensionPayments(step.months.length)}${
    withheld.length > 0 ? `${withheld.join('、')}${text.paymentStatuses.withheld}。` : ''
  }`;
}
