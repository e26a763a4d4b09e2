import {
  CardPrinterFault,
  CardStage,
  CardStopReason,
  ChipEncoderFault,
  type FlowView,
  type KioskState,
} from '@sik/contract';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cardPrinterFaultLabels,
  cardStages,
  cardStops,
  cardTimeLeft,
  chipFaultLabels,
  flowKinds,
  itemName,
  loadingLabels,
  optionText,
  questions,
} from '../../i18n/zh-CN.ts';
import type { Speaker } from '../../speech/speech.ts';
import { recordingSend, renderKiosk, tap } from '../../test/render.tsx';
import { exampleCardPrinter, exampleSimulator, kioskExamples } from '../examples.ts';
import { flowSpeech } from './FlowScreen.tsx';
import { type FlowExampleName, flowExamples } from './flow.examples.ts';

const now = () => Date.now();
const bodyText = () => document.body.textContent ?? '';

function inFlow(name: FlowExampleName, more: Partial<KioskState> = {}): KioskState {
  return { ...kioskExamples.home(now()), phase: 'service', flow: flowExamples[name](now()), ...more };
}

/** The same flow with its step changed, as the agent republishes it. */
function withStep(state: KioskState, step: Partial<FlowView['step']>): KioskState {
  const flow = state.flow as FlowView;
  return { ...state, flow: { ...flow, step: { ...flow.step, ...step } as FlowView['step'] } };
}

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

const exit = () => screen.getByTestId('flow-exit') as HTMLButtonElement;

afterEach(() => {
  vi.useRealTimers();
});

describe('which card matter', () => {
  it('words every matter; a disabled one shows the reason the agent sent and sends nothing', async () => {
    for (const value of ['first', 'replacement', 'renewal', 'reportLoss']) {
      expect(optionText.cardMatter?.[value]).toMatch(/\S/);
    }
    const { send } = renderKiosk(inFlow('cardMatter'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain(questions.cardMatter.title);
    expect(screen.getByTestId('flow-kind').textContent).toBe('社保卡办理');
    const first = screen.getByTestId('flow-option-first') as HTMLButtonElement;
    expect(first.textContent).toContain('首次申领');
    expect(first.textContent).toContain('您已经有社保卡了');
    expect(first.disabled).toBe(true);
    expect(screen.getByTestId('flow-option-replacement').textContent).toContain('补卡');
    expect(screen.getByTestId('flow-option-renewal').textContent).toContain('换卡');
    expect(screen.getByTestId('flow-option-reportLoss').textContent).toContain('挂失');
    await tap(first);
    expect(send).not.toHaveBeenCalled();
    await tap(screen.getByTestId('flow-option-renewal'));
    expect(send).toHaveBeenCalledExactlyOnceWith('flow.answer', { value: 'renewal' });
  });

  it('the loading step before the card is made has words, and the flow kind a title', () => {
    expect(loadingLabels.preparingCard.title).toMatch(/\S/);
    expect(flowKinds.socialSecurityCard).toBe('社保卡办理');
    renderKiosk(inFlow('cardPreparing'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('正在准备制卡');
  });
});

describe('card progress', () => {
  it('has words for every stage', () => {
    for (const stage of CardStage.options) {
      expect(cardStages[stage].name).toMatch(/\S/);
      expect(cardStages[stage].doing).toMatch(/\S{4,}/);
    }
    // 'blank' and 'take' both move a card: their names must differ.
    expect(new Set(CardStage.options.map((s) => cardStages[s].name)).size).toBe(CardStage.options.length);
  });

  it('lists every stage in order, marked done / current / to come with a mark and a word', () => {
    renderKiosk(inFlow('cardProgressPrint'));
    const progress = screen.getByTestId('card-progress');
    expect(progress.dataset.stage).toBe('print');
    expect(progress.dataset.attempt).toBe('1');
    const rows = within(progress).getAllByRole('listitem');
    expect(rows.map((row) => row.dataset.testid)).toEqual(CardStage.options.map((s) => `card-stage-${s}`));
    const expected = { blank: 'done', chip: 'done', check: 'done', print: 'current', pin: 'todo' } as const;
    for (const [stage, state] of Object.entries(expected)) {
      expect(screen.getByTestId(`card-stage-${stage}`).dataset.state).toBe(state);
    }
    // Not by colour alone: every row says its state in words, and the current one is the list's current step.
    expect(screen.getByTestId('card-stage-blank').textContent).toBe('✓准备空白卡已完成');
    expect(screen.getByTestId('card-stage-print').textContent).toBe('▶打印卡面正在进行');
    expect(screen.getByTestId('card-stage-take').textContent).toBe('○取卡等待中');
    expect(screen.getByTestId('card-stage-print').getAttribute('aria-current')).toBe('step');
    expect(screen.getByTestId('card-doing').textContent).toBe(cardStages.print.doing);
    expect(screen.getByTestId('card-time-left').textContent).toBe('约还需40秒');
    expect(screen.queryByTestId('card-attempt')).toBeNull();
    expect(screen.queryByTestId('card-notice')).toBeNull();
  });

  it('no way out while the card is made: no buttons in the step, 返回首页 disabled, call staff stays', () => {
    renderKiosk(inFlow('cardProgressPrint'));
    expect(within(screen.getByTestId('flow-step-cardProgress')).queryAllByRole('button')).toHaveLength(0);
    expect(screen.queryByTestId('flow-back')).toBeNull();
    expect(exit().disabled).toBe(true);
    expect((screen.getByTestId('call-staff') as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByTestId('mode-toggle') as HTMLButtonElement).disabled).toBe(false);
  });

  it('a remade card: the notice prominently, which card of how many; the notice is spoken when it appears', () => {
    const { spoken, speaker } = recordingSpeaker();
    const first = inFlow('cardProgressBlank');
    const { publish } = renderKiosk(first, { speaker });
    expect(spoken).toEqual([]);
    publish(inFlow('cardProgressRetry'));
    const notice = screen.getByTestId('card-notice');
    expect(notice.textContent).toContain('第一张卡制作失败，正在用新卡重新制作');
    expect(notice.getAttribute('role')).toBe('alert');
    expect(screen.getByTestId('card-progress').dataset.attempt).toBe('2');
    expect(screen.getByTestId('card-attempt').textContent).toBe('正在制作第2张卡（最多3张）');
    expect(screen.getByTestId('card-stage-blank').dataset.state).toBe('done');
    expect(screen.getByTestId('card-stage-chip').dataset.state).toBe('current');
    expect(spoken).toEqual(['第一张卡制作失败，正在用新卡重新制作。']);
    // The same notice republished with the next stage is not said again.
    publish(withStep(inFlow('cardProgressRetry'), { stage: 'check', stagesDone: ['blank', 'chip'] }));
    expect(spoken).toHaveLength(1);
  });

  it('time left in seconds, whole minutes above one, and none when unknown', () => {
    expect(cardTimeLeft(45)).toBe('约还需45秒');
    expect(cardTimeLeft(60)).toBe('约还需1分钟');
    expect(cardTimeLeft(150)).toBe('约还需3分钟');
    renderKiosk(inFlow('cardProgressActivate'));
    expect(screen.queryByTestId('card-time-left')).toBeNull();
    expect(screen.getByTestId('card-stage-pin').dataset.state).toBe('done');
  });
});

describe('card PIN on the PIN pad', () => {
  it('shows dots only, never a digit, for any number of keys', () => {
    const state = inFlow('cardPinNew');
    const { publish } = renderKiosk(state);
    for (let keys = 0; keys <= 6; keys++) {
      publish(withStep(state, { keysEntered: keys, secondsLeft: 40 }));
      const pin = screen.getByTestId('card-pin');
      expect(pin.dataset.keys).toBe(String(keys));
      const dots = screen.getByTestId('card-pin-dots');
      expect(dots.children).toHaveLength(6);
      expect([...dots.children].filter((d) => d.getAttribute('data-filled') === 'true')).toHaveLength(keys);
      expect(dots.textContent).toBe('');
      // The only numbers on the screen are the length, the count and the seconds: no PIN digit anywhere.
      const rest = (pin.textContent ?? '')
        .replace(`已输入${keys}位，共6位`, '')
        .replace('6位新密码', '')
        .replace('还剩40秒', '');
      expect(rest).not.toMatch(/\d/);
    }
    expect(document.querySelectorAll('input, textarea')).toHaveLength(0);
    expect(within(screen.getByTestId('flow-step-cardPin')).queryAllByRole('button')).toHaveLength(0);
  });

  it('says which entry this is, a mismatch, the seconds left, and to cover the pad', () => {
    const { publish } = renderKiosk(inFlow('cardPinNew'));
    expect(screen.getByTestId('card-pin').dataset.phase).toBe('new');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain(
      '请在密码键盘上输入6位新密码，按确认键',
    );
    expect(screen.getByTestId('card-pin-seconds').textContent).toBe('还剩48秒');
    expect(bodyText()).toContain('输入时请用另一只手遮挡密码键盘');
    expect(screen.getByRole('img', { name: /遮挡/ })).toBeTruthy();
    expect(screen.queryByTestId('card-pin-mismatch')).toBeNull();
    expect(exit().disabled).toBe(true);
    publish(inFlow('cardPinRepeat'));
    expect(screen.getByTestId('card-pin').dataset.phase).toBe('repeat');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('请再输入一次');
    publish(inFlow('cardPinMismatch'));
    expect(screen.getByTestId('card-pin-mismatch').textContent).toContain('两次输入的密码不一致，请重新设置');
    expect(screen.getByTestId('card-pin').dataset.phase).toBe('new');
  });

  it('speaks the entry when it changes and a mismatch; not on every key', () => {
    const { spoken, speaker } = recordingSpeaker();
    const state = inFlow('cardPinNew');
    const { publish } = renderKiosk(state, { speaker });
    expect(spoken).toHaveLength(1);
    expect(spoken[0]).toContain('6位新密码');
    publish(withStep(state, { keysEntered: 3 }));
    expect(spoken).toHaveLength(1);
    publish(withStep(state, { phase: 'repeat', keysEntered: 0 }));
    expect(spoken.at(-1)).toContain('再输入一次');
    publish(withStep(state, { phase: 'new', keysEntered: 0, mismatch: true }));
    expect(spoken.at(-1)).toMatch(/^两次输入的密码不一致/);
    expect(spoken.join('')).not.toMatch(/\*/);
  });

  it('the dock shows the simulated PIN pad; its keys go to the agent and never show', async () => {
    const send = recordingSend();
    renderKiosk(kioskExamples.flowCardPinWithDock(now()), { send });
    for (const key of ['4', '0', '2', '8']) fireEvent.click(screen.getByTestId(`sim-pinpad-${key}`));
    await act(async () => {});
    expect(send.mock.calls.map(([, payload]) => payload)).toEqual(
      ['4', '0', '2', '8'].map((keys) => ({ keys })),
    );
    expect(within(screen.getByTestId('screen-service')).queryByText(/4\s*0\s*2\s*8/)).toBeNull();
  });

  it('says when the PIN pad cannot be used', () => {
    const state = inFlow('cardPinNew');
    renderKiosk({
      ...state,
      devices: { ...state.devices, pinpad: { device: 'offline', media: 'unknown', detail: null } },
    });
    expect(screen.getByTestId('pinpad-unavailable').textContent).toContain('密码键盘暂时不能使用');
  });
});

describe('take the card', () => {
  it('big instruction, the masked card number, the seconds left and a picture of the slot', () => {
    renderKiosk(inFlow('cardTake'));
    expect(screen.getByTestId('card-take')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('请取走您的社保卡');
    expect(screen.getByTestId('card-take-number').textContent).toBe('A12****78');
    expect(screen.getByTestId('card-take-seconds').textContent).toBe('还剩52秒');
    expect(screen.getByRole('img', { name: /出卡口/ })).toBeTruthy();
    expect(exit().disabled).toBe(true);
    expect(within(screen.getByTestId('flow-step-cardTake')).queryAllByRole('button')).toHaveLength(0);
  });

  it('is spoken as soon as it shows, once, without the card number', () => {
    const { spoken, speaker } = recordingSpeaker();
    const state = inFlow('cardTake');
    const { publish } = renderKiosk(state, { speaker });
    publish(withStep(state, { secondsLeft: 40 }));
    expect(spoken).toEqual(['请取走您的社保卡。卡在出卡口，请拿好。']);
    const speech = flowSpeech(flowExamples.cardTake(now()));
    expect(speech).toContain('请取走您的社保卡');
    expect(speech).not.toContain('A12');
  });
});

describe('card making stopped', () => {
  it('has words for every reason: what happened and what happens next', () => {
    for (const reason of CardStopReason.options) {
      const { unmount } = renderKiosk(withStep(inFlow('cardStoppedNoStock'), { reason }));
      const stopped = screen.getByTestId('card-stopped');
      expect(stopped.dataset.reason).toBe(reason);
      expect(screen.getByRole('heading', { level: 1 }).textContent).toContain(cardStops[reason].title);
      expect(screen.getByTestId('card-stopped-detail').textContent).toMatch(/\S{10,}/);
      expect(flowSpeech(withStep(inFlow('cardStoppedNoStock'), { reason }).flow as FlowView)).toContain(
        cardStops[reason].title,
      );
      unmount();
    }
    expect(cardStops.noStock.title).toBe('本机空白卡已用完');
    expect(cardStops.notTaken.detail).toBe('卡片已收回机器内的安全卡箱，请联系大堂工作人员领取。');
  });

  it('says the application is kept and staff were told, shows the reference large, and goes home', async () => {
    const { send } = renderKiosk(inFlow('cardStoppedNotTaken'));
    expect(screen.getByTestId('card-stopped-kept').textContent).toContain(
      '您的申请已保留，可到柜台或下次来本机继续办理',
    );
    expect(screen.getByTestId('card-stopped-staff').textContent).toContain('已通知工作人员');
    const reference = screen.getByTestId('card-stopped-reference');
    expect(reference.textContent).toBe('SK2025-000031');
    expect(reference.className).toContain('card-stopped-reference-value');
    expect(exit().disabled).toBe(false);
    await tap(screen.getByTestId('card-stopped-home'));
    expect(send).toHaveBeenCalledExactlyOnceWith('flow.exit', {});
  });

  it('not kept, staff not told, no reference: says so and asks to call staff', () => {
    renderKiosk(inFlow('cardStoppedNoReference'));
    expect(screen.getByTestId('card-stopped-kept').textContent).toContain('没有保留');
    expect(screen.getByTestId('card-stopped-staff').textContent).toContain('呼叫工作人员');
    expect(screen.queryByTestId('card-stopped-reference')).toBeNull();
  });

  it('the reference is shown, never read aloud', () => {
    const speech = flowSpeech(flowExamples.cardStoppedNotTaken(now()));
    expect(speech).not.toContain('SK2025');
    expect(speech).toContain('已通知工作人员');
  });
});

describe('card result', () => {
  it('the card item reads as 社保卡 已办好 with its message and reference', () => {
    expect(itemName('card')).toBe('社保卡');
    renderKiosk(inFlow('cardDone'));
    const item = screen.getByTestId('result-item-card');
    expect(item.dataset.status).toBe('done');
    expect(item.textContent).toContain('社保卡已办好');
    expect(item.textContent).toContain('可以马上使用');
    expect(item.textContent).toContain('SK2025-000031');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('办理成功');
  });
});

describe('simulator dock: card printer and chip encoder', () => {
  it('shows the feeder, the reject box, the slot and the devices', () => {
    renderKiosk(kioskExamples.flowCardTakeWithDock(now()));
    expect(screen.getByTestId('sim-card-feeder').textContent).toContain('47张');
    expect(screen.getByTestId('sim-card-feeder').dataset.count).toBe('47');
    expect(screen.getByTestId('sim-card-reject-box').textContent).toBe('1张');
    expect(screen.getByTestId('sim-card-slot').textContent).toBe('有卡');
    expect(screen.getByTestId('sim-card-devices').textContent).toContain('制卡机：正常');
    expect(screen.getByTestId('sim-card-devices').textContent).toContain('芯片写卡器：正常');
  });

  it('a fault is marked pressed and the printer status shows its detail', () => {
    renderKiosk(kioskExamples.flowCardStoppedPrinterFault(now()));
    expect(screen.getByTestId('sim-card-fault-ribbonOut').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('sim-card-fault-none').getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByTestId('sim-chip-fault-writeError').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('sim-card-devices').textContent).toContain('制卡机：硬件故障（ribbon out）');
    expect(screen.getByTestId('sim-card-feeder').textContent).toContain('卡不多');
  });

  for (const fault of CardPrinterFault.options) {
    it(`sim-card-fault-${fault} sends sim.cardPrinterFault`, async () => {
      expect(cardPrinterFaultLabels[fault]).toMatch(/\S/);
      const { send } = renderKiosk(kioskExamples.flowCardProgressWithDock(now()));
      await tap(screen.getByTestId(`sim-card-fault-${fault}`));
      expect(send).toHaveBeenCalledExactlyOnceWith('sim.cardPrinterFault', { fault });
    });
  }

  for (const fault of ChipEncoderFault.options) {
    it(`sim-chip-fault-${fault} sends sim.chipFault`, async () => {
      expect(chipFaultLabels[fault]).toMatch(/\S/);
      const { send } = renderKiosk(kioskExamples.flowCardProgressWithDock(now()));
      await tap(screen.getByTestId(`sim-chip-fault-${fault}`));
      expect(send).toHaveBeenCalledExactlyOnceWith('sim.chipFault', { fault });
    });
  }

  it('sim-take-card sends sim.takeCard', async () => {
    const { send } = renderKiosk(kioskExamples.flowCardTakeWithDock(now()));
    await tap(screen.getByTestId('sim-take-card'));
    expect(send).toHaveBeenCalledExactlyOnceWith('sim.takeCard', {});
  });

  it('the card controls come first while a card is made, after the citizens otherwise', () => {
    const { unmount } = renderKiosk(kioskExamples.flowCardTakeWithDock(now()));
    const follows = (a: string, b: string) =>
      (screen.getByTestId(a).compareDocumentPosition(screen.getByTestId(b)) &
        Node.DOCUMENT_POSITION_FOLLOWING) !==
      0;
    expect(follows('sim-card-printer', 'sim-place-pensioner')).toBe(true);
    unmount();
    renderKiosk({
      ...kioskExamples.homeWithDock(now()),
      simulator: { ...exampleSimulator, cardPrinter: exampleCardPrinter },
    });
    expect(follows('sim-place-pensioner', 'sim-card-printer')).toBe(true);
  });

  it('no card printer section when the printer is not simulated; no PIN pad outside PIN steps', () => {
    renderKiosk({
      ...kioskExamples.flowCardProgressWithDock(now()),
      simulator: { ...exampleSimulator, cardPrinter: null },
    });
    expect(screen.queryByTestId('sim-card-printer')).toBeNull();
    expect(screen.queryByTestId('sim-take-card')).toBeNull();
    expect(screen.queryByTestId('sim-pinpad-1')).toBeNull();
    expect(exampleCardPrinter.feeder).toBeGreaterThan(0);
  });
});
