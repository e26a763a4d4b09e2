import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { A4PrinterSimulator } from './simulator.ts';

export interface IppSimulatorServer {
  readonly port: number;
  /** ipp://host:port/ipp/print, for the driver's HttpIppTransport. */
  readonly printerUri: string;
  close(): Promise<void>;
}

/** The path IPP Everywhere printers (and ippeveprinter) answer on. */
export const IPP_PATH = '/ipp/print';
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * The A4 printer simulator behind HTTP, as a network printer is: POST application/ipp to /ipp/print. With the
 * unreachable fault every connection is dropped without an answer.
 */
export async function startIppSimulatorServer(
  simulator: A4PrinterSimulator,
  listen: { host: string; port: number },
): Promise<IppSimulatorServer> {
  const server = createServer((request, response) => {
    if (simulator.fault === 'unreachable') {
      request.socket.destroy();
      return;
    }
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method !== 'POST' || path !== IPP_PATH) {
      response.writeHead(404).end();
      return;
    }
    if (request.headers['content-type'] !== 'application/ipp') {
      response.writeHead(400).end();
      return;
    }
    readBody(request)
      .then(async (body) => {
        if (!body) {
          response.writeHead(413).end();
          return;
        }
        const answer = await simulator.handle(body);
        response.writeHead(200, { 'content-type': 'application/ipp', 'content-length': answer.length });
        response.end(answer);
      })
      .catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    printerUri: `ipp://${listen.host}:${port}${IPP_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
