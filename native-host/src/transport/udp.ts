// The UDP wire of software authenticators and forwarded keys: raw 64-byte CTAPHID reports, one per
// datagram. Off unless configured. The host listens on 127.0.0.1 (or the address configured) and takes
// reports only from the configured device address and port: anything else is dropped and counted in the
// debug log, since a report from elsewhere could answer for the key (or sit in the middle of the PIN
// key agreement).

import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { BROADCAST_CID, CTAPHID_CMD, fragment, parsePacket, REPORT_SIZE } from '../ctaphid/frames.js';
import {
  type DeviceDescriptor,
  type HidConnection,
  ReportQueue,
  type Transport,
  TransportError,
} from './types.js';

export interface UdpEndpoint {
  host: string;
  port: number;
  /** Local port the authenticator answers to (default 7112). */
  listenPort: number;
  /** Local address the host listens on (default 127.0.0.1: loopback only). */
  bindAddress?: string;
}

export const DEFAULT_UDP: UdpEndpoint = { host: '127.0.0.1', port: 8111, listenPort: 7112 };
export const DEFAULT_UDP_BIND = '127.0.0.1';

/** Debug-log line for reports dropped because they came from somewhere else (never their content). */
export type UdpDropLog = (line: string) => void;

/** The device's IPv4 address: a literal as is, `localhost` as 127.0.0.1, a name looked up once. */
async function deviceAddress(host: string): Promise<string> {
  if (isIPv4(host)) return host;
  if (host === 'localhost') return '127.0.0.1';
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch (err) {
    throw new TransportError(
      'UNAVAILABLE',
      `cannot resolve UDP device host "${host}": ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

class UdpConnection implements HidConnection {
  private readonly queue = new ReportQueue();
  /** Reports dropped since the connection opened because another address or port sent them. */
  private dropped = 0;
  constructor(
    readonly descriptor: DeviceDescriptor,
    private readonly socket: Socket,
    private readonly endpoint: UdpEndpoint,
    private readonly device: string,
    private readonly log: UdpDropLog,
  ) {
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo));
  }

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    if (rinfo.address !== this.device || rinfo.port !== this.endpoint.port) {
      this.dropped += 1;
      if (this.dropped === 1) {
        this.log(`udp: dropped a report from ${rinfo.address}:${rinfo.port} (not the configured device)`);
      }
      return;
    }
    if (msg.length < 7) return;
    this.queue.push(new Uint8Array(msg));
  }

  write(report: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const padded = new Uint8Array(REPORT_SIZE);
      padded.set(report.subarray(0, REPORT_SIZE));
      this.socket.send(padded, this.endpoint.port, this.endpoint.host, (err) =>
        err ? reject(new TransportError('IO', `UDP send failed: ${err.message}`)) : resolve(),
      );
    });
  }

  read(timeoutMs: number): Promise<Uint8Array | null> {
    return this.queue.read(timeoutMs);
  }

  close(): Promise<void> {
    this.queue.close();
    if (this.dropped > 0) {
      this.log(`udp: dropped ${this.dropped} report(s) from senders other than the configured device`);
      this.dropped = 0;
    }
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

function bind(endpoint: UdpEndpoint): Promise<Socket> {
  const address = endpoint.bindAddress ?? DEFAULT_UDP_BIND;
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(
        new TransportError(
          'UNAVAILABLE',
          `cannot listen on UDP ${address}:${endpoint.listenPort}: ${err.message}`,
        ),
      );
    });
    socket.bind(endpoint.listenPort, address, () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

export class UdpTransport implements Transport {
  readonly name: string;
  constructor(
    readonly endpoint: UdpEndpoint = DEFAULT_UDP,
    private readonly log: UdpDropLog = () => undefined,
  ) {
    const bindPart =
      endpoint.bindAddress && endpoint.bindAddress !== DEFAULT_UDP_BIND ? `:${endpoint.bindAddress}` : '';
    this.name = `udp:${endpoint.host}:${endpoint.port}:${endpoint.listenPort}${bindPart}`;
  }

  private descriptor(): DeviceDescriptor {
    return {
      path: `udp:${this.endpoint.host}:${this.endpoint.port}`,
      product: `CTAPHID over UDP at ${this.endpoint.host}:${this.endpoint.port}`,
      transport: 'udp',
    };
  }

  /** Lists the one endpoint if something answers a CTAPHID_INIT there within `probeMs`. */
  async list(probeMs = 400): Promise<DeviceDescriptor[]> {
    const descriptor = this.descriptor();
    const conn = await this.open(descriptor);
    try {
      const nonce = randomBytes(8);
      for (const r of fragment(BROADCAST_CID, CTAPHID_CMD.INIT, nonce)) await conn.write(r);
      const deadline = Date.now() + probeMs;
      while (Date.now() < deadline) {
        const report = await conn.read(Math.max(1, deadline - Date.now()));
        if (!report) break;
        const p = parsePacket(report);
        if (p.kind === 'init' && p.cid === BROADCAST_CID && p.cmd === CTAPHID_CMD.INIT) {
          if (Buffer.from(p.data.subarray(0, 8)).equals(nonce)) return [descriptor];
        }
      }
      return [];
    } finally {
      await conn.close();
    }
  }

  async open(descriptor: DeviceDescriptor): Promise<HidConnection> {
    const device = await deviceAddress(this.endpoint.host);
    const socket = await bind(this.endpoint);
    return new UdpConnection(descriptor, socket, this.endpoint, device, this.log);
  }
}
