import { err, type KioskState } from '@sik/contract';
import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Speaker } from '../speech/speech.ts';
import { recordingSend, renderKiosk, tap } from '../test/render.tsx';
import { exampleSession, exampleSimulator, kioskExampleNames, kioskExamples } from './examples.ts';
import { FAREWELL_MS } from './screens/AttractScreen.tsx';

const now = () => Date.now();
const bodyText = () => document.body.textContent ?? '';

afterEach(() => {
  vi.useRealTimers();
});

describe('every example renders the screen for its phase', () => {
  for (const name of kioskExampleNames) {
    it(name, () => {
      const state = kioskExamples[name](now());
      renderKiosk(state);
      expect(screen.getByTestId(`screen-${state.phase}`)).toBeTruthy();
      expect(screen.queryAllByTestId(/^screen-/)).toHaveLength(1);
      expect(screen.queryByTestId('sim-dock') !== null).toBe(state.simulator !== null);
      expect(screen.queryByTestId('idle-warning') !== null).toBe(state.idle?.warning === true);
      expect(document.documentElement.dataset.mode).toBe(state.displayMode);
      // Every screen has the persistent bar.
      expect(screen.getByTestId('mode-toggle')).toBeTruthy();
      expect(screen.getByTestId('call-staff')).toBeTruthy();
      expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
    });
  }
});

describe('connection screens', () => {
  it('shows "connecting" while there is no live connection', () => {
    renderKiosk(null, { status: 'connecting' });
    expect(screen.getByTestId('screen-connecting').textContent).toContain('正在连接');
  });

  it('shows "not ready" without jargon when the token is missing or refused', () => {
    for (const status of ['noToken', 'refused'] as const) {
      const { unmount } = renderKiosk(null, { status });
      const text = screen.getByTestId('screen-not-ready').textContent ?? '';
      expect(text).toContain('本机未就绪，请联系工作人员');
      expect(text).not.toMatch(/token|socket|401|UNAUTHORIZED|error/i);
      unmount();
    }
  });

  it('a dropped connection replaces the citizen screen with "connecting"', () => {
    const { client } = renderKiosk(kioskExamples.greeting(now()));
    act(() => {
      client.setStatus('connecting');
      client.publish(null);
    });
    expect(screen.getByTestId('screen-connecting')).toBeTruthy();
    expect(bodyText()).not.toContain(exampleSession.maskedName);
  });
});

describe('masked values only', () => {
  it('greeting shows exactly the masked name and number the agent sent', () => {
    renderKiosk(kioskExamples.greeting(now()));
    expect(screen.getByTestId('greeting-name').textContent).toBe(exampleSession.maskedName);
    expect(screen.getByTestId('greeting-id').textContent).toBe(exampleSession.maskedIdNumber);
    expect(bodyText()).not.toMatch(/\d{6,}/);
  });

  it('greeting says plainly when no records were found, or the system cannot be reached', () => {
    const { unmount } = renderKiosk(kioskExamples.greetingNoRecords(now()));
    expect(screen.getByTestId('notice-records').textContent).toContain('暂未查到您的参保记录');
    unmount();
    renderKiosk(kioskExamples.greetingServerUnreachable(now()));
    expect(screen.getByTestId('notice-records').textContent).toContain('连不上社保系统');
  });

  it('speech never reads the name or the number aloud', async () => {
    const spoken: string[] = [];
    const speaker: Speaker = {
      supported: true,
      speak: (text) => spoken.push(text),
      stop: () => {},
      isSpeaking: () => false,
      subscribe: () => () => {},
    };
    renderKiosk(kioskExamples.greeting(now()), { speaker });
    await tap(screen.getByTestId('speech-read'));
    expect(spoken).toHaveLength(1);
    expect(spoken[0]).toContain('您好');
    expect(spoken[0]).not.toContain('王');
    expect(spoken[0]).not.toContain('2316');
    // The read button becomes "repeat".
    expect(screen.getByTestId('speech-read').textContent).toBe('重复');
  });
});

describe('when the session ends nothing of the citizen remains', () => {
  const citizenBits = [exampleSession.maskedName, exampleSession.maskedIdNumber, '2316', '王'];

  for (const from of ['greeting', 'home', 'idleWarning', 'elderHome'] as const) {
    it(`from ${from} to attract`, () => {
      const { publish } = renderKiosk(kioskExamples[from](now()));
      expect(bodyText()).toContain(exampleSession.maskedName);
      publish({ ...kioskExamples.attractEnded(now()), displayMode: kioskExamples[from](now()).displayMode });
      const text = bodyText();
      for (const bit of citizenBits) expect(text).not.toContain(bit);
      expect(document.body.innerHTML).not.toContain(exampleSession.maskedIdNumber);
      expect(screen.getByTestId('notice-farewell').textContent).toContain('已结束，感谢使用，请取走身份证');
    });
  }

  it('a service explanation opened in one visit is gone in the next', async () => {
    const { publish } = renderKiosk(kioskExamples.home(now()));
    await tap(screen.getByTestId('service-tile-socialSecurityCard'));
    expect(screen.getByTestId('unavailable-title')).toBeTruthy();
    publish(kioskExamples.attract(now()));
    publish({ ...kioskExamples.home(now()), session: { ...exampleSession, sessionId: 'next-visit' } });
    expect(screen.queryByTestId('unavailable-title')).toBeNull();
    expect(screen.getByTestId('service-tile-recordsQuery')).toBeTruthy();
  });
});

describe('buttons send the right commands', () => {
  const cases: { example: keyof typeof kioskExamples; testId: string; command: string; payload: unknown }[] =
    [
      { example: 'attract', testId: 'start', command: 'session.begin', payload: {} },
      { example: 'awaitCard', testId: 'back', command: 'session.cancel', payload: {} },
      { example: 'greeting', testId: 'greeting-continue', command: 'session.continue', payload: {} },
      { example: 'greeting', testId: 'end-session', command: 'session.end', payload: {} },
      { example: 'home', testId: 'end-session', command: 'session.end', payload: {} },
      {
        example: 'home',
        testId: 'service-tile-recordsQuery',
        command: 'service.open',
        payload: { serviceId: 'recordsQuery' },
      },
      { example: 'home', testId: 'mode-toggle', command: 'display.setMode', payload: { mode: 'elder' } },
      {
        example: 'elderHome',
        testId: 'mode-toggle',
        command: 'display.setMode',
        payload: { mode: 'normal' },
      },
      { example: 'attract', testId: 'call-staff', command: 'staff.call', payload: {} },
      { example: 'idleWarning', testId: 'idle-extend', command: 'session.extend', payload: {} },
      {
        example: 'awaitCardWithDock',
        testId: 'sim-place-pensioner',
        command: 'sim.placeCard',
        payload: { citizenKey: 'pensioner' },
      },
      { example: 'homeWithDock', testId: 'sim-lift', command: 'sim.liftCard', payload: {} },
    ];
  for (const c of cases) {
    it(`${c.example}: ${c.testId} -> ${c.command}`, async () => {
      const { send } = renderKiosk(kioskExamples[c.example](now()));
      await tap(screen.getByTestId(c.testId));
      expect(send).toHaveBeenCalledExactlyOnceWith(c.command, c.payload);
    });
  }

  it('the fault selector injects the chosen fault', async () => {
    const { send } = renderKiosk(kioskExamples.awaitCardWithDock(now()));
    const select = screen.getByTestId('sim-fault') as HTMLSelectElement;
    expect(select.value).toBe('none');
    await act(async () => {
      fireEvent.change(select, { target: { value: 'checksumError' } });
    });
    expect(send).toHaveBeenCalledExactlyOnceWith('sim.injectFault', { fault: 'checksumError' });
  });

  it('a double tap on start sends session.begin once', async () => {
    const { send } = renderKiosk(kioskExamples.attract(now()));
    const start = screen.getByTestId('start');
    await act(async () => {
      fireEvent.click(start);
      fireEvent.click(start);
    });
    await tap(start);
    expect(send).toHaveBeenCalledOnce();
  });

  it('an unavailable tile explains itself and sends nothing; back returns to the list', async () => {
    const { send } = renderKiosk(kioskExamples.home(now()));
    await tap(screen.getByTestId('service-tile-socialSecurityCard'));
    expect(send).not.toHaveBeenCalled();
    expect(screen.getByTestId('unavailable-title').textContent).toContain('社保卡办理');
    expect(screen.getByTestId('screen-home').textContent).toContain('本机暂不能办理');
    await tap(screen.getByTestId('back-to-list'));
    expect(screen.getByTestId('service-tile-socialSecurityCard')).toBeTruthy();
  });

  it('an available service the agent refuses as SERVICE_UNAVAILABLE gets the same honest explanation', async () => {
    const send = recordingSend();
    send.mockResolvedValueOnce(err('SERVICE_UNAVAILABLE', 'not built yet'));
    renderKiosk(kioskExamples.home(now()), { send });
    await tap(screen.getByTestId('service-tile-enrollment'));
    expect(send).toHaveBeenCalledExactlyOnceWith('service.open', { serviceId: 'enrollment' });
    expect(screen.getByTestId('unavailable-title').textContent).toContain('参保登记');
    expect(screen.queryByTestId('problem')).toBeNull();
  });

  it('a failed command says so in plain words; WRONG_PHASE (the agent moved on) does not', async () => {
    const send = recordingSend();
    send.mockResolvedValueOnce(err('WRONG_PHASE', 'already home'));
    send.mockResolvedValueOnce(err('INTERNAL', 'no answer'));
    renderKiosk(kioskExamples.greeting(now()), { send });
    await tap(screen.getByTestId('greeting-continue'));
    expect(screen.queryByTestId('problem')).toBeNull();
    await tap(screen.getByTestId('call-staff'));
    expect(screen.getByTestId('problem').textContent).toContain('操作没有成功');
  });
});

describe('phases and notices', () => {
  it('awaitCard explains a failed read and an unavailable reader', () => {
    const { unmount } = renderKiosk(kioskExamples.awaitCardReadFailed(now()));
    expect(screen.getByTestId('notice-cardReadFailed').textContent).toContain('读卡失败，请重新放置身份证');
    unmount();
    renderKiosk(kioskExamples.awaitCardReaderUnavailable(now()));
    expect(screen.getByTestId('notice-readerUnavailable').textContent).toContain(
      '读卡器暂不可用，请联系工作人员',
    );
  });

  it('home shows six large tiles, five of them available in the example', () => {
    renderKiosk(kioskExamples.home(now()));
    const tiles = screen.getAllByTestId(/^service-tile-/);
    expect(tiles).toHaveLength(6);
    expect(tiles.filter((t) => t.dataset.available === 'true')).toHaveLength(5);
    expect(screen.getByTestId('service-tile-socialSecurityCard').textContent).toContain('即将开放');
    expect(screen.getByTestId('service-tile-qualificationAuth').textContent).not.toContain('即将开放');
    expect(screen.getByTestId('service-tile-rightsRecordPrint').textContent).not.toContain('即将开放');
  });

  it('the farewell on attract shows briefly, then goes', () => {
    vi.useFakeTimers();
    renderKiosk(kioskExamples.attractTimedOut(Date.now()));
    expect(screen.getByTestId('notice-farewell').textContent).toContain('请取走身份证');
    act(() => {
      vi.advanceTimersByTime(FAREWELL_MS);
    });
    expect(screen.queryByTestId('notice-farewell')).toBeNull();
  });

  it('the staff-called notice shows on any screen', () => {
    renderKiosk(kioskExamples.homeStaffCalled(now()));
    expect(screen.getByTestId('notice-staff').textContent).toContain('已呼叫工作人员');
  });

  it('the idle warning counts down to the deadline the agent published', () => {
    vi.useFakeTimers();
    const start = Date.now();
    renderKiosk({
      ...kioskExamples.idleWarning(start),
      idle: { deadline: start + 20_000, warnAt: start, warning: true },
    });
    expect(screen.getByTestId('idle-seconds').textContent).toBe('20');
    act(() => {
      vi.advanceTimersByTime(7_100);
    });
    expect(screen.getByTestId('idle-seconds').textContent).toBe('13');
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    // The agent ends the session; the UI never counts below zero on its own.
    expect(screen.getByTestId('idle-seconds').textContent).toBe('0');
  });

  it('the idle warning is spoken when it appears', () => {
    const speak = vi.fn();
    const speaker: Speaker = {
      supported: true,
      speak,
      stop: () => {},
      isSpeaking: () => false,
      subscribe: () => () => {},
    };
    renderKiosk(kioskExamples.idleWarning(now()), { speaker });
    expect(speak).toHaveBeenCalledWith(expect.stringContaining('您还在吗'));
  });

  it('elder mode sets data-mode on <html>, and switching back clears it', () => {
    const { publish } = renderKiosk(kioskExamples.elderHome(now()));
    expect(document.documentElement.dataset.mode).toBe('elder');
    publish(kioskExamples.home(now()));
    expect(document.documentElement.dataset.mode).toBe('normal');
  });
});

describe('simulator dock', () => {
  it('lists the test citizens with their masked numbers and card types, and what is on the reader', () => {
    const state: KioskState = {
      ...kioskExamples.homeWithDock(now()),
      simulator: { ...exampleSimulator, cardOnReader: 'hk', fault: 'readFailed' },
    };
    renderKiosk(state);
    const dock = screen.getByTestId('sim-dock');
    expect(dock.textContent).toContain('模拟器 / Simulator');
    for (const citizen of exampleSimulator.citizens) {
      expect(dock.textContent).toContain(citizen.maskedIdNumber);
      expect(screen.getByTestId(`sim-place-${citizen.key}`)).toBeTruthy();
    }
    expect(dock.textContent).toContain('港澳台居民居住证');
    expect(screen.getByTestId('sim-card-on-reader').textContent).toContain('港澳居民 陈*明');
    expect((screen.getByTestId('sim-fault') as HTMLSelectElement).value).toBe('readFailed');
  });

  it('collapses to a strip and opens again', async () => {
    renderKiosk(kioskExamples.awaitCardWithDock(now()));
    await tap(screen.getByTestId('sim-toggle'));
    expect(screen.queryByTestId('sim-lift')).toBeNull();
    expect(screen.getByTestId('sim-dock')).toBeTruthy();
    await tap(screen.getByTestId('sim-toggle'));
    expect(screen.getByTestId('sim-lift')).toBeTruthy();
  });

  it('lift is disabled while no card is on the reader', () => {
    renderKiosk(kioskExamples.awaitCardWithDock(now()));
    expect((screen.getByTestId('sim-lift') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('speech', () => {
  function recordingSpeaker() {
    const spoken: string[] = [];
    const speaker: Speaker = {
      supported: true,
      speak: (text) => spoken.push(text),
      stop: () => {},
      isSpeaking: () => false,
      subscribe: () => () => {},
    };
    return { spoken, speaker };
  }

  it('reads a problem on the screen before the screen itself', async () => {
    const { spoken, speaker } = recordingSpeaker();
    renderKiosk(kioskExamples.awaitCardReadFailed(now()), { speaker });
    await tap(screen.getByTestId('speech-read'));
    expect(spoken[0]).toMatch(/^读卡失败，请重新放置身份证。请将身份证平放在读卡区/);
  });

  it('reads the staff-called notice too', async () => {
    const { spoken, speaker } = recordingSpeaker();
    renderKiosk(kioskExamples.homeStaffCalled(now()), { speaker });
    await tap(screen.getByTestId('speech-read'));
    expect(spoken[0]).toContain('已呼叫工作人员');
  });

  it('has no speech controls where the browser cannot speak, and does not crash', () => {
    renderKiosk(kioskExamples.home(now()));
    expect(screen.queryByTestId('speech-read')).toBeNull();
  });
});

it('shows the idle warning before a session exists too (e.g. waiting for a card)', () => {
  const start = Date.now();
  renderKiosk({
    ...kioskExamples.awaitCard(start),
    idle: { deadline: start + 20_000, warnAt: start, warning: true },
  });
  expect(screen.getByTestId('idle-warning')).toBeTruthy();
  expect(screen.getByTestId('screen-awaitCard')).toBeTruthy();
});
