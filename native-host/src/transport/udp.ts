// The UDP wire of software authenticators: raw 64-byte CTAPHID reports, one per datagram.

import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
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
}

export const DEFAULT_UDP: UdpEndpoint = { host: '127.0.0.1', port: 8111, listenPort: 7112 };

class UdpConnection implements HidConnection {
  private readonly queue = new ReportQueue();
  constructor(
    readonly descriptor: DeviceDescriptor,
    private readonly socket: Socket,
    private readonly endpoint: UdpEndpoint,
  ) {
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port !== endpoint.port) return;
      if (msg.length < 7) return;
      this.queue.push(new Uint8Array(msg));
    });
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
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(
        new TransportError('UNAVAILABLE', `cannot listen on UDP port ${endpoint.listenPort}: ${err.message}`),
      );
    });
    socket.bind(endpoint.listenPort, () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

export class UdpTransport implements Transport {
  readonly name: string;
  constructor(readonly endpoint: UdpEndpoint = DEFAULT_UDP) {
    this.name = `udp:${endpoint.host}:${endpoint.port}:${endpoint.listenPort}`;
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
    const socket = await bind(this.endpoint);
    return new UdpConnection(descriptor, socket, this.endpoint);
  }
}
