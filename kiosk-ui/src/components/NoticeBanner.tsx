import type { Bilingual } from '../i18n/zh-CN.ts';

export type NoticeTone = 'info' | 'warn' | 'danger';

export interface NoticeBannerProps {
  text: Bilingual;
  tone: NoticeTone;
  testId?: string;
}

/** A message in the flow of the page (never a pop-up); problems are announced to screen readers at once. */
export function NoticeBanner({ text, tone, testId }: NoticeBannerProps) {
  const icon = tone === 'info' ? 'ℹ' : '!';
  return (
    <div className={`notice notice-${tone}`} role={tone === 'info' ? 'status' : 'alert'} data-testid={testId}>
      <span className="notice-icon" aria-hidden="true">
        {icon}
      </span>
      <span className="notice-text">
        <span className="notice-zh">{text.zh}</span>
        {text.en ? (
          <span className="notice-en" lang="en">
            {text.en}
          </span>
        ) : null}
      </span>
    </div>
  );
}
