import { type FlowStep, IdCardFault, type SimulatorView } from '@sik/contract';
import { useState } from 'react';
import { Button } from '../components/Button.tsx';
import { cardTypes, faultLabels, zh } from '../i18n/zh-CN.ts';
import { useCommand } from './commands.tsx';

/**
 * For demos and tests only (the agent sends `simulator` only when its devices are simulated): a panel in its
 * own column at the right edge, so it never covers the citizen's buttons. Collapses to a narrow strip.
 */
export function SimulatorDock({ simulator, step }: { simulator: SimulatorView; step: FlowStep | null }) {
  const [open, setOpen] = useState(true);
  const run = useCommand();
  const onReader = simulator.citizens.find((c) => c.key === simulator.cardOnReader);
  return (
    <aside
      className={`dock ${open ? 'dock-open' : 'dock-closed'}`}
      data-testid="sim-dock"
      aria-label={zh.simulator.title}
    >
      <button
        type="button"
        className="dock-toggle"
        aria-expanded={open}
        aria-controls="sim-dock-body"
        data-testid="sim-toggle"
        onClick={() => setOpen(!open)}
      >
        {open ? `${zh.simulator.collapse} ›` : `‹ ${zh.simulator.expand}`}
      </button>
      {open ? (
        <div className="dock-body" id="sim-dock-body">
          <h2 className="dock-title">{zh.simulator.title}</h2>
          <p className="dock-note">{zh.simulator.note}</p>
          <p className="dock-status" data-testid="sim-card-on-reader">
            {zh.simulator.onReader}：
            {simulator.cardOnReader === null
              ? zh.simulator.empty
              : (onReader?.label ?? simulator.cardOnReader)}
          </p>
          {step?.type === 'pin' ? <SimulatedPinPad /> : null}
          {step?.type === 'qr' ? (
            <section className="dock-section" aria-labelledby="sim-qr-title">
              <h3 className="dock-heading" id="sim-qr-title">
                {zh.simulator.qrTitle}
              </h3>
              <Button testId="sim-pay-qr" onPress={() => run('sim.payQr', {})}>
                {zh.simulator.payQr}
              </Button>
            </section>
          ) : null}
          <h3 className="dock-heading">{zh.simulator.citizens}</h3>
          <ul className="dock-citizens">
            {simulator.citizens.map((citizen) => (
              <li
                key={citizen.key}
                className={citizen.key === simulator.cardOnReader ? 'on-reader' : undefined}
              >
                <span className="dock-citizen-label">
                  {citizen.label}
                  {citizen.key === simulator.cardOnReader ? (
                    <span className="dock-tag">{zh.simulator.onReaderTag}</span>
                  ) : null}
                </span>
                <span className="dock-citizen-id">{citizen.maskedIdNumber}</span>
                <span className="dock-citizen-type">{cardTypes[citizen.cardType]}</span>
                <Button
                  testId={`sim-place-${citizen.key}`}
                  onPress={() => run('sim.placeCard', { citizenKey: citizen.key })}
                >
                  {zh.simulator.place}
                </Button>
              </li>
            ))}
          </ul>
          <Button
            testId="sim-lift"
            disabled={simulator.cardOnReader === null}
            onPress={() => run('sim.liftCard', {})}
          >
            {zh.simulator.lift}
          </Button>
          <label className="dock-fault">
            <span>{zh.simulator.fault}</span>
            <select
              data-testid="sim-fault"
              value={simulator.fault}
              onChange={(event) => {
                const fault = IdCardFault.safeParse(event.target.value);
                if (fault.success) void run('sim.injectFault', { fault: fault.data });
              }}
            >
              {IdCardFault.options.map((fault) => (
                <option key={fault} value={fault}>
                  {faultLabels[fault]}
                </option>
              ))}
            </select>
          </label>
        </div>
      ) : null}
    </aside>
  );
}

const PINPAD_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'B', '0', 'C'] as const;

/**
 * Stands in for the hardware PIN pad beside the screen: each key goes to the agent's PIN pad simulator, which
 * counts it and tells the screen only how many keys were pressed. Nothing typed here is shown anywhere.
 * Plain buttons: a PIN may repeat a digit, which is not a double tap.
 */
function SimulatedPinPad() {
  const run = useCommand();
  const press = (key: string) => void run('sim.pinpadKeys', { keys: key });
  const label = (key: string) =>
    key === 'B' || key === 'C' || key === 'E' ? zh.simulator.pinpadKeys[key] : key;
  return (
    <section className="dock-section dock-pinpad" aria-labelledby="sim-pinpad-title">
      <h3 className="dock-heading" id="sim-pinpad-title">
        {zh.simulator.pinpadTitle}
      </h3>
      <p className="dock-note">{zh.simulator.pinpadNote}</p>
      <div className="dock-keys">
        {PINPAD_KEYS.map((key) => (
          <button
            type="button"
            key={key}
            className={`dock-key dock-key-${key}`}
            data-testid={`sim-pinpad-${key}`}
            onClick={() => press(key)}
          >
            {label(key)}
          </button>
        ))}
        <button
          type="button"
          className="dock-key dock-key-E"
          data-testid="sim-pinpad-E"
          onClick={() => press('E')}
        >
          {label('E')}
        </button>
      </div>
    </section>
  );
}
