/**
 * Reading screens aloud with the browser's speech synthesis, when it has one. Kiosk browsers without voices
 * (and the headless test browser) simply get `supported: false` and no speech controls.
 */

export interface Speaker {
  readonly supported: boolean;
  speak(text: string): void;
  stop(): void;
  isSpeaking(): boolean;
  subscribe(listener: () => void): () => void;
}

type SpeechWindow = Pick<Window, 'speechSynthesis'> & {
  SpeechSynthesisUtterance?: typeof SpeechSynthesisUtterance;
};

const silent: Speaker = {
  supported: false,
  speak: () => {},
  stop: () => {},
  isSpeaking: () => false,
  subscribe: () => () => {},
};

export function createSpeaker(win: Partial<SpeechWindow> | undefined): Speaker {
  const synth = win?.speechSynthesis;
  const Utterance = win?.SpeechSynthesisUtterance;
  if (!synth || typeof synth.speak !== 'function' || typeof Utterance !== 'function') return silent;

  const listeners = new Set<() => void>();
  let speaking = false;
  let current: SpeechSynthesisUtterance | null = null;
  const setSpeaking = (value: boolean) => {
    if (value === speaking) return;
    speaking = value;
    for (const listener of listeners) listener();
  };

  return {
    supported: true,
    speak(text) {
      try {
        synth.cancel();
        const utterance = new Utterance(text);
        utterance.lang = 'zh-CN';
        utterance.rate = 0.9;
        const voice = synth.getVoices().find((v) => v.lang.toLowerCase().replace('_', '-').startsWith('zh'));
        if (voice) utterance.voice = voice;
        const done = () => {
          if (current === utterance) setSpeaking(false);
        };
        utterance.onend = done;
        utterance.onerror = done;
        current = utterance;
        synth.speak(utterance);
        setSpeaking(true);
      } catch (error) {
        console.warn('kiosk-ui: speech failed', (error as Error).message);
        setSpeaking(false);
      }
    },
    stop() {
      current = null;
      try {
        synth.cancel();
      } catch {
        // Nothing to stop.
      }
      setSpeaking(false);
    },
    isSpeaking: () => speaking,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
