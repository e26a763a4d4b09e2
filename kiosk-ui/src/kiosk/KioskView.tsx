import type { KioskState } from '@sik/contract';
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { useSpeaker } from '../speech/context.tsx';
import { ProblemContext, ProblemShownContext } from './commands.tsx';
import { FlowOpening, FlowScreen } from './flow/FlowScreen.tsx';
import { stepKey } from './flow/step.ts';
import { IdleWarning } from './IdleWarning.tsx';
import { SimulatorDock } from './SimulatorDock.tsx';
import { AttractScreen } from './screens/AttractScreen.tsx';
import { AwaitCardScreen } from './screens/AwaitCardScreen.tsx';
import { GreetingScreen } from './screens/GreetingScreen.tsx';
import { HomeScreen } from './screens/HomeScreen.tsx';
import { ReadingScreen } from './screens/ReadingScreen.tsx';

const PROBLEM_MS = 8_000;

function Screen({ state }: { state: KioskState }) {
  switch (state.phase) {
    case 'attract':
      return <AttractScreen state={state} />;
    case 'awaitCard':
      return <AwaitCardScreen state={state} />;
    case 'reading':
      return <ReadingScreen state={state} />;
    case 'greeting':
      // Greeting without a session cannot be drawn honestly; the agent never publishes it.
      return state.session ? (
        <GreetingScreen state={state} session={state.session} />
      ) : (
        <AttractScreen state={state} />
      );
    case 'home':
      return <HomeScreen state={state} />;
    case 'service':
      return state.flow ? <FlowScreen state={state} flow={state.flow} /> : <FlowOpening state={state} />;
  }
}

/** Renders one published KioskState. Everything shown comes from `state`; nothing about a citizen is kept. */
export function KioskView({ state }: { state: KioskState }) {
  const speaker = useSpeaker();
  const [problem, setProblem] = useState(false);
  // Inside a flow every new question is a new screen: its local input, speech and problem message reset.
  const screenKey = `${state.phase}:${state.session?.sessionId ?? 'none'}:${state.flow ? stepKey(state.flow) : ''}`;

  useLayoutEffect(() => {
    document.documentElement.dataset.mode = state.displayMode;
  }, [state.displayMode]);

  // A new screen: stop reading the old one and forget the old screen's failure message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: screenKey is the trigger, not a value used inside
  useEffect(() => {
    setProblem(false);
    return () => speaker.stop();
  }, [screenKey, speaker]);

  useEffect(() => {
    if (!problem) return;
    const timer = setTimeout(() => setProblem(false), PROBLEM_MS);
    return () => clearTimeout(timer);
  }, [problem]);

  const report = useCallback((failed: boolean) => setProblem(failed), []);

  return (
    <ProblemContext value={report}>
      <ProblemShownContext value={problem}>
        <div className="kiosk" data-phase={state.phase}>
          <div className="kiosk-column">
            {state.idle?.warning ? <IdleWarning deadline={state.idle.deadline} /> : null}
            {/* Keyed by phase and session: no local state of one visit can survive into the next. */}
            <Screen key={screenKey} state={state} />
          </div>
          {state.simulator ? (
            <SimulatorDock
              simulator={state.simulator}
              step={state.flow?.step ?? null}
              devices={state.devices}
            />
          ) : null}
        </div>
      </ProblemShownContext>
    </ProblemContext>
  );
}
