import type { KioskState, SessionView } from '@sik/contract';
import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { cardTypes, notices, zh } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { Page } from '../Page.tsx';

/** Only the masked name and number the agent sends are shown; the UI never sees the full ones. */
export function GreetingScreen({ state, session }: { state: KioskState; session: SessionView }) {
  const run = useCommand();
  const noRecords = session.recordsFound
    ? null
    : state.notice?.code === 'serverUnreachable'
      ? notices.serverUnreachable
      : notices.personNotFound;
  return (
    <Page
      state={state}
      testId="screen-greeting"
      className="page-greeting"
      speech={noRecords ? `${zh.greeting.speech}${noRecords.zh}。` : zh.greeting.speech}
      barStart={
        <Button variant="onBar" testId="end-session" onPress={() => run('session.end', {})}>
          {zh.greeting.end}
        </Button>
      }
    >
      <h1>
        {zh.greeting.hello}
        <span data-testid="greeting-name">{session.maskedName}</span>
      </h1>
      <dl className="identity">
        <div>
          <dt>{zh.greeting.cardLabel}</dt>
          <dd>{cardTypes[session.cardType]}</dd>
        </div>
        <div>
          <dt>{zh.greeting.idLabel}</dt>
          <dd className="id-number" data-testid="greeting-id">
            {session.maskedIdNumber}
          </dd>
        </div>
      </dl>
      {noRecords ? <NoticeBanner tone="warn" text={noRecords} testId="notice-records" /> : null}
      <div className="actions">
        <Button
          variant="primary"
          size="large"
          testId="greeting-continue"
          subtitle={zh.greeting.continueEn}
          onPress={() => run('session.continue', {})}
        >
          {zh.greeting.continue}
        </Button>
      </div>
    </Page>
  );
}
