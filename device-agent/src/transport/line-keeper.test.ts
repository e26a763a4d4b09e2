import { afterEach, describe, expect, it } from 'vitest';
import { LineKeeper, type LineKeeperHooks, sleep } from './line-keeper.ts';
import { createMemoryTransportPair } from './memory.ts';

const keepers: LineKeeper[] = [];
afterEach(async () => {
  for (const keeper of keepers.splice(0)) await keeper.stop();
});

/** A keeper on the host end of a memory pair, recording what it asks of its driver. */
function keep(hooks: Partial<LineKeeperHooks> = {}, pollIntervalMs = 10) {
  const pair = createMemoryTransportPair({ byteMicros: 0 });
  const events: string[] = [];
  const openFailedAt: number[] = [];
  const keeper = new LineKeeper(
    pair.a,
    { pollIntervalMs, reconnectMs: { initial: 10, max: 40 } },
    {
      openFailed: () => {
        openFailedAt.push(performance.now());
        events.push('openFailed');
      },
      check: async () => {
        events.push('check');
        return true;
      },
      lost: (reason) => events.push(`lost:${reason}`),
      ...hooks,
    },
  );
  keepers.push(keeper);
  return { pair, keeper, events, openFailedAt };
}

const until = async (condition: () => boolean, timeoutMs = 2000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(5);
  }
};

describe('LineKeeper', () => {
  it('opens and checks at start; the line lost: told at once, reopened with a doubling backoff', async () => {
    const { pair, keeper, events, openFailedAt } = keep();
    await keeper.start();
    expect(keeper.up).toBe(true);
    expect(events).toEqual(['check']);
    pair.unplug('pulled');
    expect(keeper.up).toBe(false);
    expect(events).toEqual(['check', 'lost:pulled']);
    await until(() => openFailedAt.length >= 5);
    const gaps = openFailedAt.slice(1).map((at, i) => at - (openFailedAt[i] ?? 0));
    // 20, 40, 40, ...: doubled from 10, capped at 40 (timers only ever fire late).
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    pair.plug();
    await until(() => keeper.up);
    expect(events.at(-1)).toBe('check');
  });

  it('a failed check leaves it down and tries again; markDown reopens a line the driver gave up on', async () => {
    let answers = false;
    let checks = 0;
    const { keeper, pair } = keep({
      check: async () => {
        checks += 1;
        return answers;
      },
    });
    const closes: number[] = [];
    const close = pair.a.close.bind(pair.a);
    pair.a.close = () => {
      closes.push(checks);
      return close();
    };
    await keeper.start();
    expect(keeper.up).toBe(false);
    await until(() => checks >= 3);
    answers = true;
    await until(() => keeper.up);
    const before = checks;
    keeper.markDown();
    expect(keeper.up).toBe(false);
    await until(() => keeper.up && checks > before);
    // Every attempt closed the line before opening it again.
    expect(closes.length).toBeGreaterThanOrEqual(checks);
  });

  it('polls while up, runs reopening through the driver queue, and stop() ends it all and closes', async () => {
    let polls = 0;
    const queued: string[] = [];
    const { keeper, pair } = keep({
      poll: async () => {
        polls += 1;
      },
      exclusive: async (step) => {
        queued.push('reopen');
        return step();
      },
    });
    await keeper.start();
    await until(() => polls >= 3);
    expect(queued).toEqual(['reopen']);
    await keeper.stop();
    expect(keeper.started).toBe(false);
    expect(pair.a.isOpen).toBe(false);
    const after = polls;
    await sleep(40);
    expect(polls).toBe(after);
  });

  it('without a poll hook, waits quietly until the line goes', async () => {
    const { keeper, pair, events } = keep({}, 1);
    await keeper.start();
    await sleep(30);
    expect(events).toEqual(['check']);
    pair.unplug();
    pair.plug();
    await until(() => events.filter((e) => e === 'check').length === 2);
  });
});
