import { createContext, useContext, useSyncExternalStore } from 'react';
import { createSpeaker, type Speaker } from './speech.ts';

let browserSpeaker: Speaker | null = null;
const defaultSpeaker = (): Speaker => {
  browserSpeaker ??= createSpeaker(typeof window === 'undefined' ? undefined : window);
  return browserSpeaker;
};

export const SpeakerContext = createContext<Speaker | null>(null);

export function useSpeaker(): Speaker {
  return useContext(SpeakerContext) ?? defaultSpeaker();
}

export function useIsSpeaking(speaker: Speaker): boolean {
  return useSyncExternalStore(speaker.subscribe, speaker.isSpeaking);
}
