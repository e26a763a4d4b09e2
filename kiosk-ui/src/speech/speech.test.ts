import { describe, expect, it, vi } from 'vitest';
import { createSpeaker } from './speech.ts';

class FakeUtterance {
  lang = '';
  rate = 1;
  voice: unknown = null;
  onend: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly text: string) {}
}

function fakeWindow(voices: { lang: string }[] = []) {
  const spoken: FakeUtterance[] = [];
  const synth = {
    speak: vi.fn((u: FakeUtterance) => spoken.push(u)),
    cancel: vi.fn(),
    getVoices: () => voices,
  };
  const win = {
    speechSynthesis: synth as unknown as SpeechSynthesis,
    SpeechSynthesisUtterance: FakeUtterance as unknown as typeof SpeechSynthesisUtterance,
  };
  return { win, synth, spoken };
}

describe('speaker', () => {
  it('is unsupported (and harmless) without speechSynthesis', () => {
    const speaker = createSpeaker(undefined);
    expect(speaker.supported).toBe(false);
    speaker.speak('你好');
    speaker.stop();
    expect(createSpeaker({}).supported).toBe(false);
  });

  it('speaks Chinese, with a Chinese voice when there is one, and reports speaking until the end', () => {
    const { win, spoken } = fakeWindow([{ lang: 'en-US' }, { lang: 'zh_CN' }]);
    const speaker = createSpeaker(win);
    const changes = vi.fn();
    speaker.subscribe(changes);
    speaker.speak('请将身份证放在读卡区');
    expect(spoken[0]?.lang).toBe('zh-CN');
    expect(spoken[0]?.voice).toEqual({ lang: 'zh_CN' });
    expect(speaker.isSpeaking()).toBe(true);
    spoken[0]?.onend?.();
    expect(speaker.isSpeaking()).toBe(false);
    expect(changes).toHaveBeenCalledTimes(2);
  });

  it('works without any voice installed (headless browsers)', () => {
    const { win, spoken } = fakeWindow([]);
    const speaker = createSpeaker(win);
    speaker.speak('重复');
    expect(spoken[0]?.voice).toBeNull();
  });

  it('repeating cancels what is being said; stop cancels and is no longer speaking', () => {
    const { win, synth } = fakeWindow();
    const speaker = createSpeaker(win);
    speaker.speak('一');
    speaker.speak('一');
    expect(synth.cancel).toHaveBeenCalledTimes(2);
    speaker.stop();
    expect(synth.cancel).toHaveBeenCalledTimes(3);
    expect(speaker.isSpeaking()).toBe(false);
  });

  it('a synthesis that throws does not crash the page', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { win, synth } = fakeWindow();
    synth.speak.mockImplementation(() => {
      throw new Error('not allowed');
    });
    const speaker = createSpeaker(win);
    expect(() => speaker.speak('你好')).not.toThrow();
    expect(speaker.isSpeaking()).toBe(false);
    warn.mockRestore();
  });
});
