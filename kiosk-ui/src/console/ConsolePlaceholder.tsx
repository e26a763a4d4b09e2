import { consoleText } from '../i18n/zh-CN.ts';

/** The staff and bureau console is not built yet; this page says so instead of pretending. */
export function ConsolePlaceholder() {
  return (
    <main className="page page-center" data-testid="console-placeholder">
      <h1>
        {consoleText.title}
        <span className="h1-en" lang="en">
          {consoleText.en}
        </span>
      </h1>
      <p className="lead">{consoleText.body}</p>
      <p className="lead" lang="en">
        {consoleText.bodyEn}
      </p>
    </main>
  );
}
