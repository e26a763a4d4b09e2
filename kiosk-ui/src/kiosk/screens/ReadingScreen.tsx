import type { KioskState } from '@sik/contract';
import { CardReaderIllustration } from '../../components/CardReaderIllustration.tsx';
import { zh } from '../../i18n/zh-CN.ts';
import { Page } from '../Page.tsx';

export function ReadingScreen({ state }: { state: KioskState }) {
  return (
    <Page state={state} testId="screen-reading" speech={zh.reading.speech}>
      <h1 aria-live="polite">
        {zh.reading.title}
        <span className="h1-en" lang="en">
          {zh.reading.en}
        </span>
      </h1>
      <div className="figure">
        <CardReaderIllustration label={zh.reading.illustration} arrow={false} />
        <span className="busy-dots" aria-hidden="true">
          <span />
          <span />
          <span />
        </span>
      </div>
    </Page>
  );
}
