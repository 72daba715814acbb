// USB HID through node-hid: FIDO usage page 0xF1D0, 0x00 report-ID prefix on writes.
import { createRequire } from 'node:module';
import { REPORT_SIZE } from '../ctaphid/frames.js';
import {
  type DeviceDescriptor,
  type HidConnection,
  ReportQueue,
  type Transport,
  TransportError,
} from './types.js';

export const FIDO_USAGE_PAGE = 0xf1d0;
export const FIDO_USAGE = 0x01;

/** The parts of node-hid we use (its own types are loaded lazily with the native addon). */
export interface NodeHidDevice {
  path?: string;
  vendorId: number;
  productId: number;
  product?: string;
  manufacturer?: string;
  usagePage?: number;
  usage?: number;
}
export interface NodeHidAsync {
  write(data: number[] | Buffer): Promise<number>;
  on(event: 'data', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): Promise<void>;
}
export interface NodeHidModule {
  devicesAsync(): Promise<NodeHidDevice[]>;
  HIDAsync: { open(path: string): Promise<NodeHidAsync> };
}

let loaded: NodeHidModule | null = null;

/** Loads node-hid (a native addon shipped beside the bundle); throws TransportError when unavailable. */
export function loadNodeHid(): NodeHidModule {
  if (loaded) return loaded;
  try {
    const require = createRequire(import.meta.url);
    loaded = require('node-hid') as NodeHidModule;
    return loaded;
  } catch (err) {
    throw new TransportError('UNAVAILABLE', `node-hid could not be loaded: ${(err as Error).message}`);
  }
}

class NodeHidConnection implements HidConnection {
  private readonly queue = new ReportQueue();
  constructor(
    readonly descriptor: DeviceDescriptor,
    private readonly device: NodeHidAsync,
  ) {
    device.on('data', (data) => this.queue.push(new Uint8Array(data)));
    device.on('error', () => this.queue.close());
  }

  async write(report: Uint8Array): Promise<void> {
    const out = Buffer.alloc(REPORT_SIZE + 1);
    out.set(report.subarray(0, REPORT_SIZE), 1);
    try {
      await this.device.write(out);
    } catch (err) {
      throw new TransportError('IO', `HID write failed: ${(err as Error).message}`);
    }
  }

  read(timeoutMs: number): Promise<Uint8Array | null> {
    return this.queue.read(timeoutMs);
  }

  async close(): Promise<void> {
    this.queue.close();
    await this.device.close().catch(() => undefined);
  }
}

export class NodeHidTransport implements Transport {
  readonly name = 'hid';

  /** `hid` replaces the node-hid addon (tests without USB devices). */
  constructor(private readonly hid: () => NodeHidModule = loadNodeHid) {}

  async list(): Promise<DeviceDescriptor[]> {
    const hid = this.hid();
    const devices = await hid.devicesAsync();
    return devices
      .filter((d) => d.usagePage === FIDO_USAGE_PAGE && (d.usage ?? FIDO_USAGE) === FIDO_USAGE && d.path)
      .map((d) => ({
        path: d.path!,
        product: [d.manufacturer, d.product].filter(Boolean).join(' ') || 'FIDO security key',
        transport: 'usb' as const,
        vendorId: d.vendorId,
        productId: d.productId,
      }));
  }

  async open(descriptor: DeviceDescriptor): Promise<HidConnection> {
    const hid = this.hid();
    try {
      return new NodeHidConnection(descriptor, await hid.HIDAsync.open(descriptor.path));
    } catch (err) {
      throw new TransportError('UNAVAILABLE', `cannot open ${descriptor.path}: ${(err as Error).message}`);
    }
  }
}
