// One interface for every way of reaching a key: node-hid (USB) or the UDP wire of software keys.

export interface DeviceDescriptor {
  /** Stable within one process: hidraw path, or `udp:HOST:PORT`. */
  path: string;
  product: string;
  transport: 'usb' | 'udp';
  vendorId?: number;
  productId?: number;
}

/** An open connection that moves raw 64-byte CTAPHID reports. */
export interface HidConnection {
  readonly descriptor: DeviceDescriptor;
  write(report: Uint8Array): Promise<void>;
  /** Next report, or null when none arrives within `timeoutMs`. */
  read(timeoutMs: number): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

export interface Transport {
  /** `hid` or `udp:HOST:PORT:LISTENPORT`. */
  readonly name: string;
  list(): Promise<DeviceDescriptor[]>;
  open(descriptor: DeviceDescriptor): Promise<HidConnection>;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: 'BAD_SPEC' | 'UNAVAILABLE' | 'CLOSED' | 'IO',
    message: string,
  ) {
    super(message);
  }
}

/** Reports waiting to be read, with readers waiting for reports. */
export class ReportQueue {
  private readonly reports: Uint8Array[] = [];
  private readonly waiters: Array<(r: Uint8Array | null) => void> = [];
  private closed = false;
  /** Reports kept at most; a reader that fell behind loses the oldest. */
  constructor(private readonly limit = 1024) {}

  push(report: Uint8Array): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(report);
    else {
      this.reports.push(report);
      if (this.reports.length > this.limit) this.reports.shift();
    }
  }

  read(timeoutMs: number): Promise<Uint8Array | null> {
    const next = this.reports.shift();
    if (next) return Promise.resolve(next);
    if (this.closed) return Promise.reject(new TransportError('CLOSED', 'connection closed'));
    return new Promise((resolve, reject) => {
      const waiter = (r: Uint8Array | null): void => {
        clearTimeout(timer);
        if (r === null && this.closed) reject(new TransportError('CLOSED', 'connection closed'));
        else resolve(r);
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(null);
  }
}
