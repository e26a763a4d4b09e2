import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  err,
  FlowKind,
  type FlowView,
  ItemOutcome,
  type KioskState,
  QuestionId,
  RecordsSummaryView,
} from '@sik/contract';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { create } from 'qrcode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCountdown, formatDate, formatMoney, formatYuan, speakMoney } from '../../i18n/format.ts';
import {
  flowKinds,
  insuranceStatuses,
  insuranceTypes,
  itemStatuses,
  loadingLabels,
  optionText,
  questions,
} from '../../i18n/zh-CN.ts';
import type { Speaker } from '../../speech/speech.ts';
import { recordingSend, renderKiosk, tap } from '../../test/render.tsx';
import { kioskExampleNames, kioskExamples } from '../examples.ts';
import { flowSpeech } from './FlowScreen.tsx';
import { type FlowExampleName, flowExamples } from './flow.examples.ts';

const now = () => Date.now();
const bodyText = () => document.body.textContent ?? '';

afterEach(() => {
  vi.useRealTimers();
});

/** A kiosk state in phase 'service' with the named flow example (normal mode unless asked). */
function inFlow(name: FlowExampleName, more: Partial<KioskState> = {}): KioskState {
  return { ...kioskExamples.home(now()), phase: 'service', flow: flowExamples[name](now()), ...more };
}

function withFlow(name: FlowExampleName, flow: Partial<FlowView>): KioskState {
  const state = inFlow(name);
  if (!state.flow) throw new Error('no flow');
  return { ...state, flow: { ...state.flow, ...flow } };
}

const flowNames = Object.keys(flowExamples) as FlowExampleName[];
const serviceExamples = kioskExampleNames.filter((name) => kioskExamples[name](now()).flow !== null);

// Read from disk: vitest does not process stylesheets, so a `?raw` import would be empty.
const css = readFileSync(join(import.meta.dirname, '../../theme/kiosk.css'), 'utf8').replace(
  /\/\*[\s\S]*?\*\//g,
  '',
);

/** Classes whose rule in kiosk.css gives a minimum size from the --target token (48 / 64 px or more). */
function targetClasses(): Set<string> {
  const found = new Set<string>();
  for (const match of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    const [, selectors = '', body = ''] = match;
    // At least the target itself: `var(--target)` or `calc(var(--target) * k)` with k >= 1.
    const height = /min-height:\s*(?:var\(--target\)|calc\(var\(--target\) \* ([\d.]+)\))/.exec(body);
    if (!height || Number(height[1] ?? 1) < 1) continue;
    for (const selector of selectors.split(',')) {
      const simple = /^\s*\.([a-zA-Z-]+)\s*$/.exec(selector);
      if (simple?.[1]) found.add(simple[1]);
    }
  }
  return found;
}

describe('every flow example', () => {
  it('has examples for every step type, in normal and in elder mode', () => {
    const types = new Set(flowNames.map((name) => flowExamples[name](now()).step.type));
    expect([...types].sort()).toEqual(
      [
        'choose',
        'commitment',
        'confirm',
        'contributions',
        'digits',
        'documentPreview',
        'loading',
        'notEligible',
        'pensionPayments',
        'pin',
        'qr',
        'recordsSummary',
        'result',
        'faceConsent',
        'faceCapture',
        'faceFailed',
        'staffSignIn',
        'staffConfirm',
        'cardProgress',
        'cardPin',
        'cardTake',
        'cardStopped',
      ].sort(),
    );
    const elderTypes = new Set(
      serviceExamples
        .map((name) => kioskExamples[name](now()))
        .filter((state) => state.displayMode === 'elder')
        .map((state) => state.flow?.step.type),
    );
    expect(elderTypes).toEqual(types);
  });

  const sized = targetClasses();
  it('the stylesheet sizes every tappable class from the --target token', () => {
    for (const name of ['btn', 'option', 'key', 'tile']) expect(sized).toContain(name);
  });

  for (const name of serviceExamples) {
    it(`${name}: its step, the service title, call staff, elder mode, a way back, big targets`, () => {
      const state = kioskExamples[name](now());
      const flow = state.flow as FlowView;
      renderKiosk(state);
      const page = screen.getByTestId('screen-service');
      expect(screen.getByTestId(`flow-step-${flow.step.type}`)).toBeTruthy();
      expect(screen.getByTestId('flow-kind').textContent).not.toBe('');
      expect(screen.getByTestId('call-staff')).toBeTruthy();
      expect(screen.getByTestId('mode-toggle')).toBeTruthy();
      expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
      // 返回首页 is always there (disabled only while money or a submission is in flight).
      expect(screen.getByTestId('flow-exit').textContent).toBe('返回首页');
      expect(screen.queryByTestId('flow-back') !== null).toBe(flow.canGoBack);
      if (flow.progress) {
        expect(screen.getByTestId('flow-progress').textContent).toBe(
          `第${flow.progress.index}步，共${flow.progress.total}步`,
        );
      }
      // Every citizen-facing button carries a class sized from the --target token.
      const column = page.closest('.kiosk-column') as HTMLElement;
      for (const button of within(column).getAllByRole('button')) {
        const classes = [...button.classList];
        expect(
          classes.some((c) => sized.has(c)),
          `${button.textContent} (${classes.join(' ')})`,
        ).toBe(true);
      }
    });
  }
});

describe('flow commands', () => {
  const cases: { name: FlowExampleName; testId: string; command: string; payload: unknown }[] = [
    { name: 'enrollmentGrade', testId: 'flow-option-500', command: 'flow.answer', payload: { value: '500' } },
    {
      name: 'printDocumentKind',
      testId: 'flow-option-contributionDetails',
      command: 'flow.answer',
      payload: { value: 'contributionDetails' },
    },
    {
      name: 'paymentMethod',
      testId: 'flow-option-qr',
      command: 'flow.answer',
      payload: { value: 'qr' },
    },
    {
      name: 'enrollmentCommitment',
      testId: 'commitment-agree',
      command: 'flow.answer',
      payload: { value: 'agree' },
    },
    {
      name: 'enrollmentConfirm',
      testId: 'flow-confirm',
      command: 'flow.answer',
      payload: { value: 'confirm' },
    },
    { name: 'paymentConfirm', testId: 'flow-confirm', command: 'flow.answer', payload: { value: 'confirm' } },
    { name: 'enrollmentHousehold', testId: 'flow-back', command: 'flow.back', payload: {} },
    { name: 'enrollmentHousehold', testId: 'flow-exit', command: 'flow.exit', payload: {} },
    { name: 'paymentPin', testId: 'pin-cancel', command: 'flow.back', payload: {} },
    { name: 'documentPreview', testId: 'flow-print', command: 'flow.print', payload: {} },
    { name: 'printPaperOut', testId: 'flow-print', command: 'flow.print', payload: {} },
    { name: 'printDone', testId: 'flow-done', command: 'flow.exit', payload: {} },
    { name: 'enrollmentNotEligible', testId: 'flow-done', command: 'flow.exit', payload: {} },
    {
      name: 'recordsSummary',
      testId: 'flow-view-contributions',
      command: 'flow.view',
      payload: { view: 'contributions' },
    },
    {
      name: 'recordsSummary',
      testId: 'flow-view-pensionPayments',
      command: 'flow.view',
      payload: { view: 'pensionPayments' },
    },
    {
      name: 'contributions',
      testId: 'flow-view-summary',
      command: 'flow.view',
      payload: { view: 'summary' },
    },
    {
      name: 'pensionPayments',
      testId: 'flow-view-summary',
      command: 'flow.view',
      payload: { view: 'summary' },
    },
    { name: 'paymentUpstreamError', testId: 'flow-retry', command: 'flow.retry', payload: {} },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.testId} -> ${c.command} ${JSON.stringify(c.payload)}`, async () => {
      const { send } = renderKiosk(inFlow(c.name));
      await tap(screen.getByTestId(c.testId));
      expect(send).toHaveBeenCalledExactlyOnceWith(c.command, c.payload);
    });
  }

  it('a chosen answer is marked, a disabled option sends nothing', async () => {
    const send = recordingSend();
    const { unmount } = renderKiosk(inFlow('enrollmentHousehold'), { send });
    expect(screen.getByTestId('flow-option-rural').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('flow-option-urban').getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByTestId('flow-option-rural').textContent).toContain('农村户口');
    unmount();
    send.mockClear();
    renderKiosk(inFlow('paymentYear'), { send });
    const past = screen.getByTestId('flow-option-2024') as HTMLButtonElement;
    expect(past.disabled).toBe(true);
    expect(past.textContent).toContain('已缴清');
    await tap(past);
    expect(send).not.toHaveBeenCalled();
  });

  it('options with a label from the agent show it as is; the bank account detail is shown as given', () => {
    renderKiosk(inFlow('paymentMethod'));
    expect(screen.getByTestId('flow-option-bankAccount').textContent).toContain('银行卡扣款');
    expect(screen.getByTestId('flow-option-bankAccount').textContent).toContain('6222 **** **** 0427');
    expect(screen.getByTestId('flow-option-qr').textContent).toContain('手机扫码支付');
  });

  it('the phone keypad types, repeats digits, deletes, clears, and sends the digits only when complete', async () => {
    const { send } = renderKiosk(inFlow('enrollmentPhone'));
    const ok = screen.getByTestId('digits-ok') as HTMLButtonElement;
    const value = () => screen.getByTestId('digits-value').textContent;
    expect(value()).toBe('1380013');
    expect(ok.disabled).toBe(true);
    expect(bodyText()).toContain('还差4位');
    // Repeated digits in quick succession all count (a keypad is not a double-tap guarded button).
    for (const d of ['8', '0', '0', '0']) fireEvent.click(screen.getByTestId(`digits-key-${d}`));
    expect(value()).toBe('13800138000');
    // Full: more digits are not accepted.
    expect((screen.getByTestId('digits-key-5') as HTMLButtonElement).disabled).toBe(true);
    await tap(screen.getByTestId('digits-backspace'));
    expect(value()).toBe('1380013800');
    await tap(screen.getByTestId('digits-key-9'));
    await tap(screen.getByTestId('digits-ok'));
    expect(send).toHaveBeenCalledExactlyOnceWith('flow.answer', { value: '13800138009' });
    await tap(screen.getByTestId('digits-clear'));
    expect(value()).toBe('');
  });

  it('typed digits survive a republished step (an error added) and reset on a new question', async () => {
    const { publish } = renderKiosk(inFlow('enrollmentPhone'));
    await tap(screen.getByTestId('digits-key-7'));
    expect(screen.getByTestId('digits-value').textContent).toBe('13800137');
    publish(
      withFlow('enrollmentPhone', { error: { code: 'INVALID_INPUT', message: '手机号码不对，请重新输入' } }),
    );
    expect(screen.getByTestId('digits-value').textContent).toBe('13800137');
    expect(screen.getByTestId('flow-error').textContent).toContain('手机号码不对');
    // INVALID_INPUT is answered by changing the answer, not by trying again.
    expect(screen.queryByTestId('flow-retry')).toBeNull();
    publish(inFlow('enrollmentHousehold'));
    publish(inFlow('enrollmentPhone'));
    expect(screen.getByTestId('digits-value').textContent).toBe('1380013');
  });

  it('no way back where the flow has none; 返回首页 is disabled while paying or submitting', () => {
    const { unmount } = renderKiosk(inFlow('enrollmentGrade'));
    expect(screen.queryByTestId('flow-back')).toBeNull();
    unmount();
    for (const name of ['paymentPaying', 'enrollmentSubmitting'] as const) {
      const view = renderKiosk(inFlow(name));
      expect((screen.getByTestId('flow-exit') as HTMLButtonElement).disabled).toBe(true);
      expect(screen.getByTestId('call-staff')).toBeTruthy();
      view.unmount();
    }
    renderKiosk(inFlow('recordsLoading'));
    expect((screen.getByTestId('flow-exit') as HTMLButtonElement).disabled).toBe(false);
  });

  it('a refused command says so; WRONG_PHASE (the agent moved on) does not', async () => {
    const send = recordingSend();
    send.mockResolvedValueOnce(err('WRONG_PHASE', 'still working'));
    send.mockResolvedValueOnce(err('INTERNAL', 'no answer'));
    renderKiosk(inFlow('enrollmentConfirm'), { send });
    await tap(screen.getByTestId('flow-confirm'));
    expect(screen.queryByTestId('problem')).toBeNull();
    await tap(screen.getByTestId('flow-exit'));
    expect(screen.getByTestId('problem').textContent).toContain('操作没有成功');
  });
});

describe('records query', () => {
  it('the summary says per insurance its status and year paid to, and the three figures', () => {
    renderKiosk(inFlow('recordsSummary'));
    expect(screen.getByTestId('insurance-pension').textContent).toContain('养老保险');
    expect(screen.getByTestId('insurance-pension').textContent).toContain('正常参保');
    expect(screen.getByTestId('insurance-pension').textContent).toContain('2019年');
    expect(screen.getByTestId('insurance-unemployment').textContent).toContain('已终止');
    expect(screen.getByTestId('insurance-workInjury').textContent).toContain('暂无缴费');
    expect(screen.getByTestId('records-pension').textContent).toContain('¥2,856.50');
    expect(screen.getByTestId('records-authentication').textContent).toContain('2025年9月30日');
    expect(screen.getByTestId('records-account').textContent).toContain('¥45,120.34');
    expect(screen.getByTestId('records-years').textContent).toContain('25年');
  });

  it('without a pension there is no pension figure and no pension payments button', () => {
    renderKiosk(inFlow('recordsSummaryNoPension'));
    expect(screen.queryByTestId('records-pension')).toBeNull();
    expect(screen.queryByTestId('flow-view-pensionPayments')).toBeNull();
    expect(screen.getByTestId('flow-view-contributions')).toBeTruthy();
  });

  it('the contributions table shows a page at a time with large page buttons', async () => {
    renderKiosk(inFlow('contributions'));
    const rows = () => screen.getByTestId('records-table').querySelectorAll('tbody tr');
    expect(rows()).toHaveLength(6);
    expect(screen.getByTestId('table-page').textContent).toBe('第1页，共2页');
    expect(rows()[0]?.textContent).toContain('2024年');
    expect(rows()[0]?.textContent).toContain('养老保险');
    expect(rows()[0]?.textContent).toContain('¥500.00');
    expect((screen.getByTestId('table-previous') as HTMLButtonElement).disabled).toBe(true);
    await tap(screen.getByTestId('table-next'));
    expect(screen.getByTestId('table-page').textContent).toBe('第2页，共2页');
    expect(rows()[0]?.textContent).toContain('2018年');
    expect((screen.getByTestId('table-next') as HTMLButtonElement).disabled).toBe(true);
  });

  it('elder mode shows fewer rows per page', () => {
    renderKiosk({ ...inFlow('pensionPayments'), displayMode: 'elder' });
    expect(screen.getByTestId('records-table').querySelectorAll('tbody tr')).toHaveLength(5);
    expect(screen.getByTestId('records-table').textContent).toContain('2024年12月');
    expect(screen.getByTestId('table-page').textContent).toBe('第1页，共2页');
  });

  it('withheld pension months say so', async () => {
    renderKiosk(inFlow('pensionPayments'));
    await tap(screen.getByTestId('table-next'));
    expect(screen.getByTestId('records-table').textContent).toContain('暂停发放');
  });
});

describe('PIN on the PIN pad', () => {
  it('shows only dots: as many filled as keys were pressed, and never a digit', () => {
    renderKiosk(inFlow('paymentPin'));
    const dots = screen.getByTestId('pin-dots');
    expect(dots.children).toHaveLength(6);
    expect([...dots.children].filter((d) => d.getAttribute('data-filled') === 'true')).toHaveLength(3);
    expect(dots.textContent).toBe('');
    expect(dots.getAttribute('aria-label')).toBe('已输入3位，共6位');
    expect(document.querySelectorAll('input, textarea')).toHaveLength(0);
    expect(screen.getByTestId('pin-amount').textContent).toBe('¥500.00');
    expect(bodyText()).toContain('中国工商银行');
    expect(bodyText()).toContain('6222 **** **** 0427');
    expect(bodyText()).toContain('遮挡');
  });

  it('the simulated PIN pad sends each key and nothing typed shows anywhere', async () => {
    const send = recordingSend();
    const { publish } = renderKiosk(kioskExamples.flowPinWithDock(now()), { send });
    const dock = screen.getByTestId('sim-dock');
    expect(dock.textContent).toContain('模拟密码键盘（硬件）');
    for (const key of ['9', '7', '5', '3']) {
      fireEvent.click(screen.getByTestId(`sim-pinpad-${key}`));
    }
    await act(async () => {});
    expect(send.mock.calls.map(([name, payload]) => [name, payload])).toEqual([
      ['sim.pinpadKeys', { keys: '9' }],
      ['sim.pinpadKeys', { keys: '7' }],
      ['sim.pinpadKeys', { keys: '5' }],
      ['sim.pinpadKeys', { keys: '3' }],
    ]);
    for (const key of ['B', 'C', 'E']) expect(screen.getByTestId(`sim-pinpad-${key}`)).toBeTruthy();
    await tap(screen.getByTestId('sim-pinpad-E'));
    expect(send).toHaveBeenLastCalledWith('sim.pinpadKeys', { keys: 'E' });
    // The agent counts the keys; the screen shows the new count as dots only.
    const state = kioskExamples.flowPinWithDock(now());
    const flow = state.flow as FlowView;
    if (flow.step.type !== 'pin') throw new Error('not a pin step');
    publish({ ...state, flow: { ...flow, step: { ...flow.step, keysEntered: 4 } } });
    expect(
      [...screen.getByTestId('pin-dots').children].filter((d) => d.getAttribute('data-filled') === 'true'),
    ).toHaveLength(4);
    expect(bodyText()).not.toMatch(/9\s*7\s*5\s*3/);
    expect(screen.queryByTestId('sim-pay-qr')).toBeNull();
  });

  it('a wrong PIN is explained, without a retry button (the citizen types again)', () => {
    renderKiosk(inFlow('paymentPinWrong'));
    expect(screen.getByTestId('flow-error').textContent).toContain('密码不对');
    expect(screen.queryByTestId('flow-retry')).toBeNull();
  });

  it('says when the PIN pad cannot be used', () => {
    renderKiosk(kioskExamples.flowPinpadOffline(now()));
    expect(screen.getByTestId('pinpad-unavailable').textContent).toContain('密码键盘暂时不能使用');
  });

  it('the dock shows no PIN pad outside a PIN step', () => {
    renderKiosk(kioskExamples.homeWithDock(now()));
    expect(screen.queryByTestId('sim-pinpad-1')).toBeNull();
    expect(screen.queryByTestId('sim-pay-qr')).toBeNull();
  });
});

describe('QR payment', () => {
  it('draws the QR of exactly the content the agent sent, with the amount and a countdown', () => {
    vi.useFakeTimers();
    const state = kioskExamples.flowQrWithDock(Date.now());
    renderKiosk(state);
    const flow = state.flow as FlowView;
    if (flow.step.type !== 'qr') throw new Error('not a qr step');
    const svg = screen.getByTestId('qr-code');
    expect(svg.tagName.toLowerCase()).toBe('svg');
    const modules = create(flow.step.content, { errorCorrectionLevel: 'M' }).modules;
    let dark = 0;
    for (const bit of modules.data) dark += bit ? 1 : 0;
    const path = svg.querySelector('path')?.getAttribute('d') ?? '';
    expect(path.match(/M/g)).toHaveLength(dark);
    expect(svg.getAttribute('viewBox')).toBe(`0 0 ${modules.size + 8} ${modules.size + 8}`);
    expect(screen.getByTestId('qr-amount').textContent).toBe('¥500.00');
    expect(screen.getByTestId('qr-expiry').textContent).toBe('4:30后失效');
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(screen.getByTestId('qr-expiry').textContent).toBe('3:30后失效');
    act(() => {
      vi.advanceTimersByTime(4 * 60_000);
    });
    expect(screen.getByTestId('qr-expiry').textContent).toContain('已失效');
    expect(screen.queryByTestId('qr-code')).toBeNull();
  });

  it('the dock pays the QR with the simulated phone', async () => {
    const { send } = renderKiosk(kioskExamples.flowQrWithDock(now()));
    await tap(screen.getByTestId('sim-pay-qr'));
    expect(send).toHaveBeenCalledExactlyOnceWith('sim.payQr', {});
    expect(screen.queryByTestId('sim-pinpad-1')).toBeNull();
  });
});

describe('documents and results', () => {
  it('the preview shows the title, lines, pages and verification code', () => {
    renderKiosk(inFlow('documentPreview'));
    expect(screen.getByTestId('preview-paper').textContent).toContain('社会保险参保缴费明细');
    expect(screen.getByTestId('preview-code').textContent).toBe('K7Q4-9XHM-2P');
    expect(screen.getByTestId('preview-pages').textContent).toBe('共1页');
  });

  it('print is disabled, and says why, when the A4 printer has no paper', async () => {
    const { send } = renderKiosk(kioskExamples.flowPrinterOut(now()));
    expect(screen.getByTestId('printer-not-ready').textContent).toContain('打印机暂时不能使用');
    const print = screen.getByTestId('flow-print') as HTMLButtonElement;
    expect(print.disabled).toBe(true);
    await tap(print);
    expect(send).not.toHaveBeenCalled();
  });

  it('the bundle result says what happened to each item, with its case number', () => {
    renderKiosk(inFlow('bundleResult'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('部分办好了');
    const enrollment = screen.getByTestId('result-item-enrollment');
    expect(enrollment.textContent).toContain('参保登记');
    expect(enrollment.textContent).toContain('已办好');
    expect(enrollment.textContent).toContain('CB2025-000124');
    const contribution = screen.getByTestId('result-item-contribution');
    expect(contribution.dataset.status).toBe('failed');
    expect(contribution.textContent).toContain('没有扣款');
    const card = screen.getByTestId('result-item-cardApplication');
    expect(card.textContent).toContain('社保卡申领');
    expect(card.textContent).toContain('已受理，等待办理');
    expect(card.textContent).toContain('柜台领取');
    expect(screen.getByTestId('result-printed').textContent).toContain('回执已打印');
    expect(screen.getByTestId('flow-kind').textContent).toBe('新市民参保一件事');
  });

  it('a pending payment says nothing will be charged twice', () => {
    renderKiosk(inFlow('paymentPending'));
    expect(screen.getByTestId('result-pending').textContent).toContain('不会重复扣款');
    expect(screen.getByTestId('result-item-contribution').textContent).toContain('正在确认');
    expect(screen.queryByTestId('result-printed')).toBeNull();
  });

  it('a declined payment says no money was taken; nothing printed', () => {
    renderKiosk(inFlow('paymentDeclined'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('没有办成');
    expect(screen.getByTestId('result-item-contribution').textContent).toContain('没有扣您的钱');
    expect(screen.queryByTestId('flow-print')).toBeNull();
  });

  it('not eligible lists the reasons in plain words', () => {
    renderKiosk(inFlow('enrollmentNotEligible'));
    expect(screen.getByTestId('not-eligible-reasons').textContent).toContain('职工基本养老保险');
  });
});

it('phase service without a flow yet says "opening" and offers the way home', async () => {
  const { send } = renderKiosk(kioskExamples.flowOpening(now()));
  expect(screen.getByTestId('screen-service').textContent).toContain('正在打开');
  expect(screen.getByTestId('call-staff')).toBeTruthy();
  await tap(screen.getByTestId('flow-exit'));
  expect(send).toHaveBeenCalledExactlyOnceWith('flow.exit', {});
});

describe('home: services and bundles', () => {
  it('the bundle tile opens the bundle', async () => {
    const { send } = renderKiosk(kioskExamples.home(now()));
    const tile = screen.getByTestId('bundle-tile-newResident');
    expect(tile.textContent).toContain('新市民参保一件事');
    expect(tile.textContent).toContain('参保登记 + 社保缴费 + 社保卡办理');
    await tap(tile);
    expect(send).toHaveBeenCalledExactlyOnceWith('bundle.open', { bundleId: 'newResident' });
  });

  it('an unavailable bundle explains itself and sends nothing', async () => {
    const { send } = renderKiosk(kioskExamples.homeBundleUnavailable(now()));
    await tap(screen.getByTestId('bundle-tile-newResident'));
    expect(send).not.toHaveBeenCalled();
    expect(screen.getByTestId('unavailable-title').textContent).toContain('新市民参保一件事：本机暂不能办理');
  });

  it('a bundle the agent refuses as SERVICE_UNAVAILABLE gets the same explanation', async () => {
    const send = recordingSend();
    send.mockResolvedValueOnce(err('SERVICE_UNAVAILABLE', 'not configured'));
    renderKiosk(kioskExamples.home(now()), { send });
    await tap(screen.getByTestId('bundle-tile-newResident'));
    expect(screen.getByTestId('unavailable-title')).toBeTruthy();
    expect(screen.queryByTestId('problem')).toBeNull();
  });

  it('available service tiles open their service', async () => {
    for (const id of [
      'rightsRecordPrint',
      'contributionPayment',
      'enrollment',
      'qualificationAuth',
    ] as const) {
      const { send, unmount } = renderKiosk(kioskExamples.home(now()));
      await tap(screen.getByTestId(`service-tile-${id}`));
      expect(send).toHaveBeenCalledExactlyOnceWith('service.open', { serviceId: id });
      unmount();
    }
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

  for (const name of flowNames) {
    it(`${name}: the screen can be read aloud, without masked or long numbers`, () => {
      const flow = flowExamples[name](now());
      const text = flowSpeech(flow);
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toMatch(/\*/);
      expect(text).not.toMatch(/\d{6,}/);
      expect(text).not.toContain('undefined');
      if (flow.error) expect(text.startsWith(flow.error.message)).toBe(true);
    });
  }

  it('the read button reads the step, and a new step stops the old one', async () => {
    const { spoken, speaker } = recordingSpeaker();
    const stop = vi.spyOn(speaker, 'stop');
    const { publish } = renderKiosk(inFlow('enrollmentConfirm'), { speaker });
    await tap(screen.getByTestId('speech-read'));
    expect(spoken[0]).toContain('请核对以下信息');
    expect(spoken[0]).toContain('缴费档次：500元/年');
    expect(spoken[0]).not.toContain('138');
    stop.mockClear();
    publish(inFlow('enrollmentSubmitting'));
    expect(stop).toHaveBeenCalled();
  });

  it('the commitment is read in full', () => {
    const flow = flowExamples.enrollmentCommitment(now());
    if (flow.step.type !== 'commitment') throw new Error('not a commitment');
    expect(flowSpeech(flow)).toContain(flow.step.text);
  });
});

describe('wording', () => {
  it('has words for every question, item status, loading label, flow kind and insurance', () => {
    for (const q of QuestionId.options) expect(questions[q].title).toMatch(/\S/);
    for (const o of ItemOutcome.options) expect(itemStatuses[o]).toMatch(/\S/);
    for (const k of FlowKind.options) if (k !== 'bundle') expect(flowKinds[k]).toMatch(/\S/);
    const line = RecordsSummaryView.shape.insurances.element.shape;
    for (const t of line.type.options) expect(insuranceTypes[t]).toMatch(/\S/);
    for (const s of line.status.options) expect(insuranceStatuses[s]).toMatch(/\S/);
    for (const l of [
      'records',
      'checking',
      'generating',
      'submitting',
      'paying',
      'printing',
      'preparingCamera',
      'preparingCard',
    ] as const) {
      expect(loadingLabels[l].title).toMatch(/\S/);
    }
    expect(optionText.documentKind?.pensionPayments).toBe('养老金发放记录');
  });

  it('formats money from fen, dates and countdowns', () => {
    expect(formatMoney(123_456)).toBe('¥1,234.56');
    expect(formatMoney(50_000)).toBe('¥500.00');
    expect(formatMoney(5)).toBe('¥0.05');
    expect(formatMoney(123_456_789)).toBe('¥1,234,567.89');
    expect(formatMoney(-5_000)).toBe('-¥50.00');
    expect(formatYuan(50_000)).toBe('500元');
    expect(formatYuan(50_050)).toBe('500.50元');
    expect(speakMoney(123_456)).toBe('1234元5角6分');
    expect(speakMoney(50_000)).toBe('500元');
    expect(speakMoney(50_005)).toBe('500元零5分');
    expect(formatDate('2025-09-30')).toBe('2025年9月30日');
    expect(formatDate('2025-09-30T00:00:00.000Z')).toBe('2025年9月30日');
    expect(formatDate('1995-07')).toBe('1995年7月');
    expect(formatDate('2024')).toBe('2024年');
    expect(formatDate('不详')).toBe('不详');
    expect(formatCountdown(270)).toBe('4:30');
    expect(formatCountdown(-3)).toBe('0:00');
  });

  it('an unknown bundle or item is named by a generic text or its key, never blank', () => {
    renderKiosk({
      ...inFlow('bundleResult'),
      flow: {
        ...flowExamples.bundleResult(now()),
        bundleId: 'someNewBundle',
        step: {
          type: 'result',
          outcome: 'success',
          items: [{ item: 'someNewItem', status: 'done', message: '好了', reference: null }],
          printed: null,
          printProblem: null,
        },
      },
    });
    expect(screen.getByTestId('flow-kind').textContent).toBe('一件事联办');
    expect(screen.getByTestId('result-item-someNewItem').textContent).toContain('someNewItem');
  });
});
