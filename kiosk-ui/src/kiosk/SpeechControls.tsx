import { useState } from 'react';
import { Button } from '../components/Button.tsx';
import { zh } from '../i18n/zh-CN.ts';
import { useIsSpeaking, useSpeaker } from '../speech/context.tsx';

/** 朗读 / 重复 / 停止 for the current screen; absent where the browser cannot speak. */
export function SpeechControls({ text }: { text: string }) {
  const speaker = useSpeaker();
  const speaking = useIsSpeaking(speaker);
  const [readOnce, setReadOnce] = useState(false);
  if (!speaker.supported) return null;
  return (
    <div className="speech">
      <Button
        variant="onBar"
        testId="speech-read"
        onPress={() => {
          speaker.speak(text);
          setReadOnce(true);
        }}
      >
        {readOnce ? zh.bar.repeat : zh.bar.read}
      </Button>
      <Button variant="onBar" testId="speech-stop" disabled={!speaking} onPress={() => speaker.stop()}>
        {zh.bar.stop}
      </Button>
    </div>
  );
}
