import { IdCardFault, IdCardIdentity } from '@sik/contract';
import {
  ControlError,
  type ControlServer,
  controlClient,
  startControlServer,
} from '../../transport/control-http.ts';
import type { IdCardSimulator } from './simulator.ts';

export interface IdCardSimulatorState {
  cardOnReader: boolean;
  fault: IdCardFault;
}

/**
 * What the agent's simulator dock needs from an ID card simulator, wherever it runs: in this process over a
 * memory pair, or as a separate process on a pseudo-terminal driven over HTTP.
 */
export interface IdCardSimulatorControl {
  placeCard(identity: IdCardIdentity, photo?: Uint8Array): Promise<void>;
  liftCard(): Promise<void>;
  setFault(fault: IdCardFault): Promise<void>;
  state(): Promise<IdCardSimulatorState>;
}

export function inProcessControl(simulator: IdCardSimulator): IdCardSimulatorControl {
  return {
    async placeCard(identity, photo) {
      const parsed = IdCardIdentity.safeParse(identity);
      if (!parsed.success) throw new ControlError('INVALID_INPUT', 'identity does not match the schema');
      try {
        simulator.placeCard(parsed.data, photo);
      } catch (error) {
        throw new ControlError('INVALID_INPUT', (error as Error).message);
      }
    },
    async liftCard() {
      simulator.liftCard();
    },
    async setFault(fault) {
      const parsed = IdCardFault.safeParse(fault);
      if (!parsed.success) throw new ControlError('INVALID_INPUT', 'fault: not a known fault');
      await simulator.setFault(parsed.data);
    },
    async state() {
      return { cardOnReader: simulator.cardOnReader, fault: simulator.fault };
    },
  };
}

/** The control client for a simulator process (simulator-main.ts), e.g. httpControl('http://127.0.0.1:7311'). */
export function httpControl(baseUrl: string, timeoutMs = 5000): IdCardSimulatorControl {
  const call = controlClient(baseUrl, timeoutMs);
  return {
    async placeCard(identity, photo) {
      const photoBase64 = photo === undefined ? undefined : Buffer.from(photo).toString('base64');
      await call('PUT', '/card', { identity, photoBase64 });
    },
    async liftCard() {
      await call('DELETE', '/card');
    },
    async setFault(fault) {
      await call('PUT', '/fault', { fault });
    },
    state: () => call<IdCardSimulatorState>('GET', '/state'),
  };
}

/**
 * The simulator's control channel (transport/control-http.ts: JSON over HTTP on loopback, every answer
 * { ok: true, data } or { ok: false, code, message }):
 *   PUT /card {identity, photoBase64?} · DELETE /card · PUT /fault {fault} · GET /state
 */
export function startIdCardControlServer(
  control: IdCardSimulatorControl,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  return startControlServer(
    {
      'GET /state': () => control.state(),
      'DELETE /card': () => control.liftCard(),
      'PUT /card': async (body) => {
        const identity = IdCardIdentity.safeParse(body?.identity);
        if (!identity.success)
          throw new ControlError('INVALID_INPUT', 'identity: not a valid IdCardIdentity', 'identity');
        const photoBase64 = body?.photoBase64;
        if (photoBase64 !== undefined && typeof photoBase64 !== 'string')
          throw new ControlError('INVALID_INPUT', 'photoBase64: expected a string', 'photoBase64');
        const photo =
          photoBase64 === undefined ? undefined : new Uint8Array(Buffer.from(photoBase64, 'base64'));
        try {
          await control.placeCard(identity.data, photo);
        } catch (error) {
          throw new ControlError('INVALID_INPUT', (error as Error).message);
        }
      },
      'PUT /fault': async (body) => {
        const fault = IdCardFault.safeParse(body?.fault);
        if (!fault.success) throw new ControlError('INVALID_INPUT', 'fault: not a known fault', 'fault');
        await control.setFault(fault.data);
      },
    },
    listen,
  );
}
