import type { KioskState } from '@sik/contract';
import { type ReactNode, useContext } from 'react';
import { NoticeBanner } from '../components/NoticeBanner.tsx';
import { notices, zh } from '../i18n/zh-CN.ts';
import { Bar } from './Bar.tsx';
import { ProblemShownContext } from './commands.tsx';
import { useNotice } from './hooks.ts';

export interface PageProps {
  state: KioskState;
  /** data-testid of the main region: screen-<phase>. */
  testId: string;
  speech: string;
  barStart?: ReactNode;
  className?: string;
  children: ReactNode;
}

const STAFF_NOTICE_MS = 60_000;

/** One screen: the main region with shared messages above it, and the persistent bar below. */
export function Page({ state, testId, speech, barStart, className, children }: PageProps) {
  const problem = useContext(ProblemShownContext);
  const staffCalled = useNotice(state.notice, ['staffCalled'], STAFF_NOTICE_MS);
  // Messages are read aloud before the screen's own text, so a problem is heard first.
  const spoken = [
    problem ? zh.problem.commandFailed : null,
    staffCalled ? `${notices.staffCalled.zh}。` : null,
    speech,
  ]
    .filter((part) => part !== null)
    .join('');
  return (
    <>
      <main className={`page${className ? ` ${className}` : ''}`} data-testid={testId}>
        {staffCalled ? <NoticeBanner tone="info" text={notices.staffCalled} testId="notice-staff" /> : null}
        {problem ? (
          <NoticeBanner tone="danger" text={{ zh: zh.problem.commandFailed }} testId="problem" />
        ) : null}
        {children}
      </main>
      <Bar mode={state.displayMode} speech={spoken} start={barStart} />
    </>
  );
}
