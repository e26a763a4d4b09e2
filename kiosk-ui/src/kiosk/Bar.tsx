import type { DisplayMode } from '@sik/contract';
import type { ReactNode } from 'react';
import { Button } from '../components/Button.tsx';
import { zh } from '../i18n/zh-CN.ts';
import { useCommand } from './commands.tsx';
import { SpeechControls } from './SpeechControls.tsx';

export interface BarProps {
  mode: DisplayMode;
  /** Text read aloud for the current screen. */
  speech: string;
  /** Back / end actions of the current screen, on the left. */
  start?: ReactNode;
}

/** The bar at the bottom of every screen: back on the left; speech, elder mode and call staff on the right. */
export function Bar({ mode, speech, start }: BarProps) {
  const run = useCommand();
  const elder = mode === 'elder';
  return (
    <nav className="bar" aria-label="常用操作">
      <div className="bar-start">{start}</div>
      <div className="bar-end">
        <SpeechControls text={speech} />
        <Button
          variant="onBar"
          testId="mode-toggle"
          onPress={() => run('display.setMode', { mode: elder ? 'normal' : 'elder' })}
        >
          {elder ? zh.bar.elderOff : zh.bar.elderOn}
        </Button>
        <Button variant="staff" testId="call-staff" onPress={() => run('staff.call', {})}>
          {zh.bar.callStaff}
        </Button>
      </div>
    </nav>
  );
}
