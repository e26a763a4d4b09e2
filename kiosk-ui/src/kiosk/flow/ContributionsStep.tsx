import { formatMoney, speakMoney } from '../../i18n/format.ts';
import { flowText, insuranceTypeName } from '../../i18n/zh-CN.ts';
import { PagedTable } from './PagedTable.tsx';
import { RecordsBack } from './RecordsBack.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

type Year = StepOf<'contributions'>['years'][number];

const text = flowText.records;
const columns = [
  { key: 'year', title: text.columns.year },
  { key: 'type', title: text.columns.type },
  { key: 'months', title: text.columns.months, numeric: true },
  { key: 'amount', title: text.columns.amount, numeric: true },
] as const;

function cell(row: Year, column: string) {
  if (column === 'year') return `${row.year}年`;
  if (column === 'type') return insuranceTypeName(row.type);
  if (column === 'months') return text.monthsValue(row.months);
  return formatMoney(row.amountCents);
}

export function ContributionsStep({ step, state }: StepProps<'contributions'>) {
  return (
    <>
      <StepTitle title={text.contributionsTitle} en={text.contributionsEn} />
      <PagedTable
        caption={text.contributionsTitle}
        columns={columns}
        rows={step.years}
        rowKey={(row) => `${row.year}-${row.type}`}
        cell={cell}
        pageSize={state.displayMode === 'elder' ? 5 : 6}
        end={<RecordsBack />}
      />
    </>
  );
}

export function contributionsSpeech(step: StepOf<'contributions'>): string {
  const latest = step.years[0];
  const first = latest
    ? `${latest.year}年，${insuranceTypeName(latest.type)}，${text.monthsValue(latest.months)}，${speakMoney(
        latest.amountCents,
      )}。`
    : '';
  return `${text.speechContributions(step.years.length)}${first}`;
}
