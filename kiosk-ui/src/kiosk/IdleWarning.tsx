import { useEffect } from 'react';
import { Button } from '../components/Button.tsx';
import { zh } from '../i18n/zh-CN.ts';
import { useSpeaker } from '../speech/context.tsx';
import { useCommand } from './commands.tsx';
import { useNow } from './hooks.ts';

/**
 * A full-width panel above the screen (not a pop-up): how many seconds are left and one big button to stay.
 * The agent decides when the session ends; this only counts down to the deadline it published.
 */
export function IdleWarning({ deadline }: { deadline: number }) {
  const now = useNow(250);
  const seconds = Math.max(0, Math.ceil((deadline - now) / 1000));
  const run = useCommand();
  const speaker = useSpeaker();
  useEffect(() => {
    // DOMAIN.md: the timeout warning is spoken as well.
    speaker.speak(zh.idle.speech);
  }, [speaker]);
  return (
    <section className="idle" data-testid="idle-warning" aria-labelledby="idle-title">
      <p className="visually-hidden" role="alert">
        {zh.idle.speech}
      </p>
      <div className="idle-text">
        <p className="idle-title" id="idle-title">
          {zh.idle.title}
        </p>
        <p className="idle-count" aria-hidden="true">
          <span className="idle-seconds" data-testid="idle-seconds">
            {seconds}
          </span>{' '}
          {zh.idle.secondsAfter}
          <span className="idle-en" lang="en">
            {seconds} {zh.idle.secondsAfterEn}
          </span>
        </p>
      </div>
      <Button
        variant="primary"
        size="large"
        testId="idle-extend"
        subtitle={zh.idle.extendEn}
        onPress={() => run('session.extend', {})}
      >
        {zh.idle.extend}
      </Button>
    </section>
  );
}
