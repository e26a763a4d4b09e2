import { notices } from '../i18n/zh-CN.ts';
import type { NoticeBannerProps } from './NoticeBanner.tsx';

export const noticeBannerExamples = {
  info: { text: notices.staffCalled, tone: 'info' },
  warn: { text: notices.serverUnreachable, tone: 'warn' },
  danger: { text: notices.cardReadFailed, tone: 'danger' },
  chineseOnly: { text: { zh: '请稍候' }, tone: 'info' },
} satisfies Record<string, NoticeBannerProps>;
