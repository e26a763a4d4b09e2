import type { KioskState } from '@sik/contract';
import { useState } from 'react';
import { BundleTile } from '../../components/BundleTile.tsx';
import { Button } from '../../components/Button.tsx';
import { NoticeBanner } from '../../components/NoticeBanner.tsx';
import { ServiceTile } from '../../components/ServiceTile.tsx';
import { bundleText, notices, services, zh } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { useNotice } from '../hooks.ts';
import { Page } from '../Page.tsx';

/**
 * The six services, and below them the bundled matters (一件事). A service this kiosk cannot do yet opens a
 * plain explanation (one question per screen) instead of a flow that would lead nowhere; the agent answers
 * SERVICE_UNAVAILABLE the same way.
 */
export function HomeScreen({ state }: { state: KioskState }) {
  const run = useCommand();
  // The title of the service or bundle being explained as unavailable.
  const [explained, setExplained] = useState<string | null>(null);
  const systemNotice = useNotice(state.notice, ['serverUnreachable', 'personNotFound']);
  const end = (
    <Button variant="onBar" testId="end-session" onPress={() => run('session.end', {})}>
      {zh.home.end}
    </Button>
  );

  if (explained) {
    const title = explained;
    return (
      <Page
        state={state}
        testId="screen-home"
        speech={zh.home.unavailableSpeech(title)}
        // The big "back to the list" button is on the page; the bar keeps only "end" so it fits one row.
        barStart={end}
      >
        <h1 data-testid="unavailable-title">{zh.home.unavailableTitle(title)}</h1>
        <p className="lead">{zh.home.unavailableBody}</p>
        <div className="actions">
          <Button variant="primary" size="large" testId="back-to-list" onPress={() => setExplained(null)}>
            {zh.home.backToList}
          </Button>
        </div>
      </Page>
    );
  }

  return (
    <Page
      state={state}
      testId="screen-home"
      speech={`${systemNotice ? `${notices[systemNotice].zh}。` : ''}${zh.home.speech}${
        state.bundles.length > 0
          ? zh.home.bundleSpeech(state.bundles.map((b) => bundleText(b.bundleId).title).join('、'))
          : ''
      }`}
      barStart={end}
    >
      {systemNotice ? <NoticeBanner tone="warn" text={notices[systemNotice]} /> : null}
      <div className="page-head">
        <h1>
          {zh.home.title}
          <span className="h1-en" lang="en">
            {zh.home.en}
          </span>
        </h1>
        {state.session ? (
          <p className="who">
            {zh.home.who}
            <span data-testid="home-name">{state.session.maskedName}</span>
          </p>
        ) : null}
      </div>
      <div className="tiles">
        {state.services.map((tile) => (
          <ServiceTile
            key={tile.id}
            id={tile.id}
            available={tile.available}
            onPress={async () => {
              const title = services[tile.id].title;
              if (!tile.available) {
                setExplained(title);
                return;
              }
              const result = await run('service.open', { serviceId: tile.id }, ['SERVICE_UNAVAILABLE']);
              if (!result.ok && result.code === 'SERVICE_UNAVAILABLE') setExplained(title);
            }}
          />
        ))}
      </div>
      {state.bundles.length > 0 ? (
        <section className="bundles" aria-label={zh.home.bundlesTitle}>
          {state.bundles.map((bundle) => (
            <BundleTile
              key={bundle.bundleId}
              bundleId={bundle.bundleId}
              services={bundle.services}
              available={bundle.available}
              onPress={async () => {
                const title = bundleText(bundle.bundleId).title;
                if (!bundle.available) {
                  setExplained(title);
                  return;
                }
                const result = await run('bundle.open', { bundleId: bundle.bundleId }, [
                  'SERVICE_UNAVAILABLE',
                ]);
                if (!result.ok && result.code === 'SERVICE_UNAVAILABLE') setExplained(title);
              }}
            />
          ))}
        </section>
      ) : null}
    </Page>
  );
}
