import type { KioskState } from '@sik/contract';
import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { notices, zh } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { useNotice } from '../hooks.ts';
import { Page } from '../Page.tsx';

/** How long "finished, take your card" stays on the welcome screen. */
export const FAREWELL_MS = 15_000;

export function AttractScreen({ state }: { state: KioskState }) {
  const run = useCommand();
  const farewell = useNotice(state.notice, ['sessionEnded', 'sessionTimedOut'], FAREWELL_MS);
  const reader = useNotice(state.notice, ['readerUnavailable']);
  return (
    <Page state={state} testId="screen-attract" speech={zh.attract.speech} className="page-attract">
      {farewell ? <NoticeBanner tone="info" text={notices[farewell]} testId="notice-farewell" /> : null}
      {reader ? <NoticeBanner tone="danger" text={notices[reader]} /> : null}
      <h1 className="hero-title">
        {zh.attract.welcome}
        <span className="hero-en" lang="en">
          {zh.attract.welcomeEn}
        </span>
      </h1>
      <Button
        variant="primary"
        size="hero"
        testId="start"
        subtitle={zh.attract.startEn}
        onPress={() => run('session.begin', {})}
      >
        {zh.attract.start}
      </Button>
    </Page>
  );
}
