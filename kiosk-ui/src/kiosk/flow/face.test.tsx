import type { FlowView, KioskState } from '@sik/contract';
import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toPreviewFrame } from '../../agent/types.ts';
import type { Speaker } from '../../speech/speech.ts';
import { recordingSend, renderKiosk, tap } from '../../test/render.tsx';
import { exampleSimulator, kioskExamples } from '../examples.ts';
import { HINT_SPEECH_DELAY_MS } from './FaceCaptureStep.tsx';
import { formatLocalTime } from './FaceFailedStep.tsx';
import { flowSpeech } from './FlowScreen.tsx';
import { type FlowExampleName, flowExamples } from './flow.examples.ts';

const now = () => Date.now();

function inFlow(name: FlowExampleName, more: Partial<KioskState> = {}): KioskState {
  return { ...kioskExamples.home(now()), phase: 'service', flow: flowExamples[name](now()), ...more };
}

/** The same flow with its step changed, as the agent republishes it. */
function withStep(state: KioskState, step: Partial<FlowView['step']>): KioskState {
  const flow = state.flow as FlowView;
  return { ...state, flow: { ...flow, step: { ...flow.step, ...step } as FlowView['step'] } };
}

const input = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;
const button = (testId: string) => screen.getByTestId(testId) as HTMLButtonElement;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('face consent', () => {
  it('says in plain words what is captured, that it stays here, that nothing is kept, and offers staff', () => {
    renderKiosk(inFlow('authConsent'));
    const points = screen.getByTestId('face-consent-points').textContent ?? '';
    expect(points).toContain('摄像头拍您的脸');
    expect(points).toContain('只在本机');
    expect(points).toContain('不保存、不上传');
    expect(points).toContain('银行工作人员');
    expect(screen.getByTestId('face-consent-validity').textContent).toBe(
      '您本次认证到2025年9月30日，还有21天',
    );
    expect(screen.queryByTestId('face-consent-suspended')).toBeNull();
    expect(screen.getByTestId('face-consent-decline').textContent).toContain('工作人员');
  });

  it('the recorded consent text, with its version, is one tap away (and back)', async () => {
    const { send } = renderKiosk(inFlow('authConsent'));
    expect(screen.queryByTestId('face-consent-text')).toBeNull();
    expect(screen.getByTestId('face-consent-full').getAttribute('aria-label')).toContain('2025-06');
    await tap(screen.getByTestId('face-consent-full'));
    expect(screen.getByTestId('face-consent-text').textContent).toContain('人脸图像不保存、不上传');
    expect(screen.queryByTestId('face-consent-points')).toBeNull();
    vi.useFakeTimers({ now: Date.now() + 1_000 });
    await tap(screen.getByTestId('face-consent-full'));
    expect(screen.getByTestId('face-consent-points')).toBeTruthy();
    expect(send).not.toHaveBeenCalled();
  });

  it('an overdue authentication and a suspended pension are said first', () => {
    renderKiosk(inFlow('authConsentSuspended'));
    expect(screen.getByTestId('face-consent-suspended').textContent).toContain('暂停发放');
    expect(screen.getByTestId('face-consent-validity').textContent).toContain('已过期40天');
    const flow = flowExamples.authConsentSuspended(now());
    expect(flowSpeech(flow)).toContain('暂停发放');
    if (flow.step.type !== 'faceConsent') throw new Error('not consent');
    expect(flowSpeech(flow)).toContain(flow.step.text);
  });

  for (const [testId, value] of [
    ['face-consent-agree', 'agree'],
    ['face-consent-decline', 'decline'],
  ] as const) {
    it(`${testId} answers '${value}'`, async () => {
      const { send } = renderKiosk(inFlow('authConsent'));
      await tap(screen.getByTestId(testId));
      expect(send).toHaveBeenCalledExactlyOnceWith('flow.answer', { value });
    });
  }
});

describe('face capture', () => {
  let urls: string[];
  let revoked: string[];
  beforeEach(() => {
    urls = [];
    revoked = [];
    // jsdom has no object URLs; these stand-ins record what the screen creates and gives back.
    vi.stubGlobal('URL', {
      ...URL,
      createObjectURL: (blob: Blob) => {
        expect(blob.type).toBe('image/jpeg');
        const url = `blob:frame-${urls.length + 1}`;
        urls.push(url);
        return url;
      },
      revokeObjectURL: (url: string) => revoked.push(url),
    });
  });

  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

  it('shows a placeholder, then each frame of this flow; the previous frame is revoked at once', () => {
    const state = inFlow('authCaptureLook');
    const flowId = (state.flow as FlowView).flowId;
    const { client, unmount } = renderKiosk(state);
    const preview = screen.getByTestId('face-preview');
    expect(preview.dataset.frames).toBe('0');
    expect(screen.getByTestId('face-preview-waiting')).toBeTruthy();
    expect(preview.querySelector('img')).toBeNull();

    act(() => client.pushFrame({ flowId, jpeg }));
    expect(preview.dataset.frames).toBe('1');
    expect(preview.querySelector('img')?.getAttribute('src')).toBe('blob:frame-1');
    expect(screen.queryByTestId('face-preview-waiting')).toBeNull();

    act(() => client.pushFrame({ flowId, jpeg }));
    expect(preview.querySelector('img')?.getAttribute('src')).toBe('blob:frame-2');
    expect(revoked).toEqual(['blob:frame-1']);

    // A late frame of another flow is not shown.
    act(() => client.pushFrame({ flowId: 'some-other-flow', jpeg }));
    expect(preview.dataset.frames).toBe('2');
    expect(urls).toHaveLength(2);

    unmount();
    expect(revoked).toEqual(['blob:frame-1', 'blob:frame-2']);
  });

  it('keeps the preview while the instruction and hint change, and shows them big', () => {
    const state = inFlow('authCaptureLook');
    const flowId = (state.flow as FlowView).flowId;
    const { client, publish } = renderKiosk(state);
    act(() => client.pushFrame({ flowId, jpeg }));
    expect(screen.getByTestId('face-instruction').dataset.instruction).toBe('lookAtCamera');
    expect(screen.getByTestId('face-instruction').textContent).toContain('请看摄像头');
    expect(screen.getByTestId('face-seconds').textContent).toBe('还剩18秒');
    expect(screen.getByTestId('face-attempt').textContent).toBe('第1次，共3次');

    publish(withStep(state, { instruction: 'turnLeft', hint: 'tooDark', secondsLeft: 11 }));
    expect(screen.getByTestId('face-instruction').dataset.instruction).toBe('turnLeft');
    expect(screen.getByTestId('face-instruction').textContent).toContain('向左转头');
    expect(screen.getByTestId('face-hint').textContent).toContain('光线太暗');
    expect(screen.getByTestId('face-seconds').textContent).toBe('还剩11秒');
    // Same screen: the frame already shown stays, nothing was revoked.
    expect(screen.getByTestId('face-preview').dataset.frames).toBe('1');
    expect(revoked).toEqual([]);
  });

  it('speaks the instruction when it changes, and a hint only once it has held for a moment', () => {
    vi.useFakeTimers();
    const spoken: string[] = [];
    const speaker: Speaker = {
      supported: true,
      speak: (text) => spoken.push(text),
      stop: () => {},
      isSpeaking: () => false,
      subscribe: () => () => {},
    };
    const state = inFlow('authCaptureLook');
    const { publish } = renderKiosk(state, { speaker });
    expect(spoken).toEqual(['请看摄像头，把脸放进框里。']);
    // A hint that flickers for one frame is not read out.
    publish(withStep(state, { hint: 'tooFar' }));
    act(() => vi.advanceTimersByTime(HINT_SPEECH_DELAY_MS / 2));
    publish(withStep(state, { hint: 'offCenter' }));
    act(() => vi.advanceTimersByTime(HINT_SPEECH_DELAY_MS));
    expect(spoken).toEqual(['请看摄像头，把脸放进框里。', '请把脸移到框的中间。']);
    // The same hint again is not repeated; a new instruction is spoken at once.
    publish(withStep(state, { hint: 'offCenter', secondsLeft: 10 }));
    act(() => vi.advanceTimersByTime(HINT_SPEECH_DELAY_MS * 2));
    publish(withStep(state, { instruction: 'turnRight', hint: 'offCenter' }));
    expect(spoken.at(-1)).toBe('请慢慢向右转头。');
    expect(spoken).toHaveLength(3);
  });

  it('the binary of a frame arrives as ArrayBuffer in the browser: it is taken as bytes', () => {
    const bytes = new Uint8Array([9, 8, 7]);
    expect([...(toPreviewFrame({ flowId: 'f', jpeg: bytes.buffer })?.jpeg ?? [])]).toEqual([9, 8, 7]);
    expect(toPreviewFrame({ flowId: 'f', jpeg: 'nope' })).toBeNull();
    expect(toPreviewFrame({ jpeg: bytes })).toBeNull();
  });
});

describe('face check failed', () => {
  it('a mismatch says so in plain words, with attempts left; retry and staff answer', async () => {
    const { send } = renderKiosk(inFlow('authFailedMismatch'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('没能确认是您本人');
    expect(screen.getByTestId('face-attempts-left').textContent).toBe('还可以再试2次');
    await tap(screen.getByTestId('face-retry'));
    expect(send).toHaveBeenLastCalledWith('flow.answer', { value: 'retry' });
    await tap(screen.getByTestId('face-assisted'));
    expect(send).toHaveBeenLastCalledWith('flow.answer', { value: 'assisted' });
  });

  it('locked: no retry, the time it ends in local time, staff offered', async () => {
    const state = inFlow('authFailedLocked');
    const { send } = renderKiosk(state);
    expect(screen.queryByTestId('face-retry')).toBeNull();
    const step = (state.flow as FlowView).step;
    if (step.type !== 'faceFailed' || step.lockedUntil === null) throw new Error('not locked');
    const local = new Date(step.lockedUntil);
    const expected = `${local.getFullYear()}年${local.getMonth() + 1}月${local.getDate()}日 ${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
    expect(formatLocalTime(step.lockedUntil)).toBe(expected);
    expect(screen.getByTestId('face-locked').textContent).toContain(expected);
    await tap(screen.getByTestId('face-assisted'));
    expect(send).toHaveBeenCalledExactlyOnceWith('flow.answer', { value: 'assisted' });
  });

  it('no attempts left: no retry even without a lock', () => {
    const state = withStep(inFlow('authFailedMismatch'), { attemptsLeft: 0 });
    renderKiosk(state);
    expect(screen.queryByTestId('face-retry')).toBeNull();
    expect(screen.getByTestId('face-attempts-left').textContent).toBe('刷脸次数已用完');
  });

  it('has words for every reason', () => {
    for (const reason of [
      'mismatch',
      'livenessFailed',
      'noFace',
      'severalFaces',
      'poorQuality',
      'cameraUnavailable',
      'timeout',
    ] as const) {
      const { unmount } = renderKiosk(withStep(inFlow('authFailedMismatch'), { reason }));
      expect(screen.getByTestId('face-failed-reason').dataset.reason).toBe(reason);
      expect(screen.getByTestId('face-failed-reason').textContent).toMatch(/\S{6,}/);
      unmount();
    }
  });
});

describe('staff sign-in and confirmation', () => {
  it('sends the three entries once, then nothing of them stays on the screen', async () => {
    const send = recordingSend();
    renderKiosk(inFlow('authStaffSignIn'), { send });
    expect(input('staff-password').type).toBe('password');
    expect(screen.getByTestId('staff-signin').dataset.reason).toBe('declinedFaceCheck');
    expect(screen.getByRole('heading', { level: 1 }).parentElement?.textContent).toContain('本人不同意刷脸');
    const submit = button('staff-signin-submit');
    expect(submit.disabled).toBe(true);
    // The staff number on the screen's keyboard; letters are off for a number field.
    fireEvent.focus(input('staff-number'));
    expect(button('staff-key-q').disabled).toBe(true);
    for (const key of '100234') fireEvent.click(screen.getByTestId(`staff-key-${key}`));
    fireEvent.click(screen.getByTestId('staff-key-9'));
    expect(input('staff-number').value).toBe('100234');
    // The password with the screen's keyboard (shift for capitals) and the code from a hardware keyboard.
    fireEvent.focus(input('staff-password'));
    fireEvent.click(screen.getByTestId('staff-key-shift'));
    fireEvent.click(screen.getByTestId('staff-key-d'));
    fireEvent.click(screen.getByTestId('staff-key-shift'));
    for (const key of 'emo1') fireEvent.click(screen.getByTestId(`staff-key-${key}`));
    fireEvent.click(screen.getByTestId('staff-key-backspace'));
    fireEvent.click(screen.getByTestId('staff-key-2'));
    expect(input('staff-password').value).toBe('Demo2');
    fireEvent.change(input('staff-otp'), { target: { value: '12a3456789' } });
    expect(input('staff-otp').value).toBe('123456');
    expect(submit.disabled).toBe(false);
    await tap(submit);
    expect(send).toHaveBeenCalledExactlyOnceWith('flow.staffSignIn', {
      staffNumber: '100234',
      password: 'Demo2',
      otp: '123456',
    });
    for (const id of ['staff-number', 'staff-password', 'staff-otp']) expect(input(id).value).toBe('');
    expect(document.body.textContent).not.toContain('Demo2');
    expect(button('staff-signin-submit').disabled).toBe(true);
  });

  it('a wrong try says so, and the fields start empty', () => {
    renderKiosk(inFlow('authStaffSignInFailed'));
    expect(screen.getByTestId('staff-signin-failed').textContent).toBe('!工号、密码或动态码不正确');
    expect(flowSpeech(flowExamples.authStaffSignInFailed(now()))).toContain('工号、密码或动态码不正确');
    for (const id of ['staff-number', 'staff-password', 'staff-otp']) expect(input(id).value).toBe('');
  });

  it('the staff member confirms the masked person; nothing masked is read aloud', async () => {
    const { send } = renderKiosk(inFlow('authStaffConfirm'));
    const lines = screen.getByTestId('staff-confirm-lines').textContent ?? '';
    expect(lines).toContain('王*华');
    expect(lines).toContain('1101**********2316');
    expect(lines).toContain('刷脸没有通过');
    expect(flowSpeech(flowExamples.authStaffConfirm(now()))).not.toMatch(/\*/);
    await tap(screen.getByTestId('staff-confirm'));
    expect(send).toHaveBeenCalledExactlyOnceWith('flow.answer', { value: 'confirm' });
  });
});

describe('authentication result', () => {
  it('names the item and shows its message and reference', () => {
    renderKiosk(inFlow('authDone'));
    const item = screen.getByTestId('result-item-authentication');
    expect(item.dataset.status).toBe('done');
    expect(item.textContent).toContain('待遇领取资格认证');
    expect(item.textContent).toContain('有效到2026年9月9日');
    expect(item.textContent).toContain('RZ2025-001234');
  });
});

describe('simulator dock: camera and demo staff', () => {
  it('shows the current camera scene and switches it', async () => {
    const { send } = renderKiosk(kioskExamples.flowAuthCaptureWithDock(now()));
    expect(screen.getByTestId('sim-camera-scene').dataset.scene).toBe('cardHolder');
    expect(screen.getByTestId('sim-camera-cardHolder').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('sim-camera-stillPhoto').getAttribute('aria-pressed')).toBe('false');
    await tap(screen.getByTestId('sim-camera-stillPhoto'));
    expect(send).toHaveBeenCalledExactlyOnceWith('sim.cameraScene', { scene: 'stillPhoto' });
    expect(screen.queryByTestId('sim-staff')).toBeNull();
  });

  it('on the staff sign-in, fetches the demo staff member and the current code', async () => {
    const send = recordingSend();
    send.mockImplementation(async (name) =>
      name === 'sim.staffOtp'
        ? { ok: true, data: { staffNumber: '100234', password: 'demo-pass', otp: '654321' } }
        : { ok: true, data: {} },
    );
    renderKiosk(kioskExamples.flowAuthStaffSignInWithDock(now()), { send });
    await act(async () => {});
    expect(send).toHaveBeenCalledWith('sim.staffOtp', {});
    expect(screen.getByTestId('sim-staff-number').textContent).toBe('100234');
    expect(screen.getByTestId('sim-staff-password').textContent).toBe('demo-pass');
    expect(screen.getByTestId('sim-staff-otp').textContent).toBe('654321');
  });

  it('a dock without a simulated camera shows no scenes', () => {
    renderKiosk({
      ...kioskExamples.flowAuthCaptureWithDock(now()),
      simulator: { ...exampleSimulator, cameraScene: null },
    });
    expect(screen.queryByTestId('sim-camera-scene')).toBeNull();
  });
});
