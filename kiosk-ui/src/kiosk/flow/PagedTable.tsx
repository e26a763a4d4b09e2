import { type ReactNode, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { flowText } from '../../i18n/zh-CN.ts';

export interface PagedTableProps<Row> {
  caption: string;
  columns: readonly { key: string; title: string; numeric?: boolean }[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  cell: (row: Row, column: string) => ReactNode;
  /** Rows per page: pages with large buttons instead of a scroll that elderly users miss. */
  pageSize: number;
  /** Shown at the end of the pager row (the way back), so the table keeps the height. */
  end?: ReactNode;
}

/** A large table shown a page at a time. */
export function PagedTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  cell,
  pageSize,
  end,
}: PagedTableProps<Row>) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * pageSize, (current + 1) * pageSize);
  const text = flowText.records;
  return (
    <div className="paged">
      {rows.length === 0 ? (
        <p className="lead">{text.empty}</p>
      ) : (
        <table className="table" data-testid="records-table">
          <caption className="visually-hidden">
            {caption}，{text.pageOf(current + 1, pages)}
          </caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.key} scope="col" className={column.numeric ? 'num' : undefined}>
                  {column.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column) => (
                  <td key={column.key} className={column.numeric ? 'num' : undefined}>
                    {cell(row, column.key)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        {pages > 1 ? (
          <>
            <Button testId="table-previous" disabled={current === 0} onPress={() => setPage(current - 1)}>
              {text.previousPage}
            </Button>
            <span className="pager-label" data-testid="table-page" aria-live="polite">
              {text.pageOf(current + 1, pages)}
            </span>
            <Button testId="table-next" disabled={current >= pages - 1} onPress={() => setPage(current + 1)}>
              {text.nextPage}
            </Button>
          </>
        ) : null}
        {end ? <div className="pager-end">{end}</div> : null}
      </div>
    </div>
  );
}
