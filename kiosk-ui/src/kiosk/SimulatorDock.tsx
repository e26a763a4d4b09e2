import {
  CameraScene,
  CardPrinterFault,
  ChipEncoderFault,
  type CommandResponse,
  type DevicesStatus,
  type FlowStep,
  IdCardFault,
  type PeripheralStatus,
  type SimulatorView,
} from '@sik/contract';
import { useEffect, useState } from 'react';
import { useSendCommand } from '../agent/context.tsx';
import { Button } from '../components/Button.tsx';
import {
  cameraScenes,
  cardPrinterFaultLabels,
  cardSimulatorText,
  cardTypes,
  chipFaultLabels,
  faultLabels,
  zh,
} from '../i18n/zh-CN.ts';
import { useCommand } from './commands.tsx';

/**
 * For demos and tests only (the agent sends `simulator` only when its devices are simulated): a panel in its
 * own column at the right edge, so it never covers the citizen's buttons. Collapses to a narrow strip.
 */
export function SimulatorDock({
  simulator,
  step,
  devices,
}: {
  simulator: SimulatorView;
  step: FlowStep | null;
  devices: DevicesStatus;
}) {
  const [open, setOpen] = useState(true);
  const run = useCommand();
  const onReader = simulator.citizens.find((c) => c.key === simulator.cardOnReader);
  const cardPrinter =
    simulator.cardPrinter !== null ? (
      <SimulatedCardPrinter printer={simulator.cardPrinter} devices={devices} />
    ) : null;
  // While a card is being made its controls come first; otherwise the citizens do.
  const cardFirst = step !== null && CARD_STEPS.has(step.type);
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
          {step?.type === 'pin' || step?.type === 'cardPin' ? <SimulatedPinPad /> : null}
          {cardFirst ? cardPrinter : null}
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
          {step?.type === 'staffSignIn' ? <DemoStaff /> : null}
          {simulator.cameraScene !== null ? <SimulatedCamera scene={simulator.cameraScene} /> : null}
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
          {cardFirst ? null : cardPrinter}
        </div>
      ) : null}
    </aside>
  );
}

const CARD_STEPS: ReadonlySet<FlowStep['type']> = new Set([
  'cardProgress',
  'cardPin',
  'cardTake',
  'cardStopped',
]);

type SimulatedPrinter = NonNullable<SimulatorView['cardPrinter']>;

const deviceLine = (name: string, status: PeripheralStatus) =>
  `${name}：${cardSimulatorText.deviceStates[status.device]}${status.detail ? `（${status.detail}）` : ''}`;

/**
 * The simulated card printer and its chip encoder: their state and counts, a button per fault (the current one
 * pressed), and the citizen's hand taking the card out of the slot.
 */
function SimulatedCardPrinter({ printer, devices }: { printer: SimulatedPrinter; devices: DevicesStatus }) {
  const run = useCommand();
  const text = cardSimulatorText;
  return (
    <section className="dock-section" aria-labelledby="sim-card-title" data-testid="sim-card-printer">
      <h3 className="dock-heading" id="sim-card-title">
        {text.title}
      </h3>
      <p className="dock-status" data-testid="sim-card-devices">
        {deviceLine(text.printer, devices.cardPrinter)}
        <br />
        {deviceLine(text.encoder, devices.chipEncoder)}
      </p>
      <dl className="dock-staff">
        <dt>{text.feeder}</dt>
        <dd data-testid="sim-card-feeder" data-count={printer.feeder}>
          {text.count(printer.feeder)}（{text.feederStates[devices.cardPrinter.media]}）
        </dd>
        <dt>{text.rejectBox}</dt>
        <dd data-testid="sim-card-reject-box" data-count={printer.rejectBox}>
          {text.count(printer.rejectBox)}
        </dd>
        <dt>{text.slot}</dt>
        <dd data-testid="sim-card-slot" data-card={printer.cardInSlot}>
          {printer.cardInSlot ? text.cardInSlot : text.slotEmpty}
        </dd>
      </dl>
      {/* Always enabled: the simulator answers taken: false for an empty slot, and a test need not race the view. */}
      <Button testId="sim-take-card" onPress={() => run('sim.takeCard', {})}>
        {text.take}
      </Button>
      <h4 className="dock-heading">
        {text.current}：{cardPrinterFaultLabels[printer.fault]}
      </h4>
      <div className="dock-scenes">
        {CardPrinterFault.options.map((fault) => (
          <Button
            key={fault}
            testId={`sim-card-fault-${fault}`}
            pressed={fault === printer.fault}
            onPress={() => run('sim.cardPrinterFault', { fault })}
          >
            {cardPrinterFaultLabels[fault]}
          </Button>
        ))}
      </div>
      <h4 className="dock-heading">
        {text.chipTitle}：{chipFaultLabels[printer.chipFault]}
      </h4>
      <div className="dock-scenes">
        {ChipEncoderFault.options.map((fault) => (
          <Button
            key={fault}
            testId={`sim-chip-fault-${fault}`}
            pressed={fault === printer.chipFault}
            onPress={() => run('sim.chipFault', { fault })}
          >
            {chipFaultLabels[fault]}
          </Button>
        ))}
      </div>
    </section>
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

/** What stands in front of the simulated camera; the current scene is marked. */
function SimulatedCamera({ scene }: { scene: CameraScene }) {
  const run = useCommand();
  return (
    <section className="dock-section" aria-labelledby="sim-camera-title">
      <h3 className="dock-heading" id="sim-camera-title">
        {zh.simulator.cameraTitle}
      </h3>
      <p className="dock-status" data-testid="sim-camera-scene" data-scene={scene}>
        {zh.simulator.cameraNow}：{cameraScenes[scene]}
      </p>
      <div className="dock-scenes">
        {CameraScene.options.map((option) => (
          <Button
            key={option}
            testId={`sim-camera-${option}`}
            pressed={option === scene}
            onPress={() => run('sim.cameraScene', { scene: option })}
          >
            {cameraScenes[option]}
          </Button>
        ))}
      </div>
    </section>
  );
}

const OTP_REFRESH_MS = 10_000;

/**
 * The demo staff member's sign-in, for demos only: staff number, password and the authenticator's current code
 * from the agent's simulator, refreshed while the sign-in screen shows. A real kiosk has no dock.
 */
function DemoStaff() {
  // Sent directly: a failure here is the tester's business, not a problem banner on the citizen's screen.
  const send = useSendCommand();
  const [staff, setStaff] = useState<CommandResponse<'sim.staffOtp'> | null>(null);
  const [failed, setFailed] = useState(false);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the trigger for a refresh
  useEffect(() => {
    let live = true;
    void send('sim.staffOtp', {}).then((result) => {
      if (!live) return;
      setFailed(!result.ok);
      setStaff(result.ok ? result.data : null);
    });
    const timer = setTimeout(() => setTick((t) => t + 1), OTP_REFRESH_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [send, tick]);
  return (
    <section className="dock-section" aria-labelledby="sim-staff-title" data-testid="sim-staff">
      <h3 className="dock-heading" id="sim-staff-title">
        {zh.simulator.staffTitle}
      </h3>
      <p className="dock-note">{zh.simulator.staffNote}</p>
      {staff ? (
        <dl className="dock-staff">
          <dt>{zh.simulator.staffNumber}</dt>
          <dd data-testid="sim-staff-number">{staff.staffNumber}</dd>
          <dt>{zh.simulator.staffPassword}</dt>
          <dd data-testid="sim-staff-password">{staff.password}</dd>
          <dt>{zh.simulator.staffOtp}</dt>
          <dd data-testid="sim-staff-otp">{staff.otp}</dd>
        </dl>
      ) : failed ? (
        <p className="dock-note">{zh.simulator.staffUnavailable}</p>
      ) : null}
      <Button testId="sim-staff-refresh" onPress={() => setTick((t) => t + 1)}>
        {zh.simulator.staffRefresh}
      </Button>
    </section>
  );
}
