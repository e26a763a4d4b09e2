import { zh } from '../../i18n/zh-CN.ts';

/** Shown while there is no live connection to the agent: nothing of any citizen, nothing technical. */
export function ConnectingScreen({ refused }: { refused: boolean }) {
  const text = refused ? { title: zh.notReady.title, en: zh.notReady.en } : zh.connecting;
  return (
    <div className="kiosk">
      <div className="kiosk-column">
        <main
          className="page page-center"
          data-testid={refused ? 'screen-not-ready' : 'screen-connecting'}
          aria-busy={!refused}
        >
          <h1>
            {text.title}
            <span className="h1-en" lang="en">
              {text.en}
            </span>
          </h1>
          {refused ? null : <p className="lead">{zh.connecting.detail}</p>}
        </main>
      </div>
    </div>
  );
}
