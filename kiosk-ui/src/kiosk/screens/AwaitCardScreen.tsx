import type { KioskState } from '@sik/contract';
import { Button } from '../../components/Button.tsx';
import { CardReaderIllustration } from '../../components/CardReaderIllustration.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { notices, zh } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { useNotice } from '../hooks.ts';
import { Page } from '../Page.tsx';

export function AwaitCardScreen({ state }: { state: KioskState }) {
  const run = useCommand();
  const problem = useNotice(state.notice, ['cardReadFailed', 'readerUnavailable']);
  const speech = problem ? `${notices[problem].zh}。${zh.awaitCard.speech}` : zh.awaitCard.speech;
  return (
    <Page
      state={state}
      testId="screen-awaitCard"
      speech={speech}
      barStart={
        <Button variant="onBar" testId="back" onPress={() => run('session.cancel', {})}>
          {zh.bar.back}
        </Button>
      }
    >
      {problem ? <NoticeBanner tone="danger" text={notices[problem]} testId={`notice-${problem}`} /> : null}
      <h1>
        {zh.awaitCard.title}
        <span className="h1-en" lang="en">
          {zh.awaitCard.en}
        </span>
      </h1>
      <div className="figure">
        <CardReaderIllustration label={zh.awaitCard.illustration} />
        <p className="hint">{zh.awaitCard.hint}</p>
      </div>
    </Page>
  );
}
