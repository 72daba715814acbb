// Several transports as one (e.g. `hid,udp:127.0.0.1:8111`): devices of all, each opened by its own.
import type { DeviceDescriptor, HidConnection, Transport } from './types.js';
import { TransportError } from './types.js';

export class CompositeTransport implements Transport {
  readonly name: string;
  private readonly owner = new Map<string, Transport>();

  constructor(private readonly parts: readonly Transport[]) {
    this.name = parts.map((p) => p.name).join(',');
  }

  async list(): Promise<DeviceDescriptor[]> {
    const lists = await Promise.all(this.parts.map((p) => p.list()));
    const out: DeviceDescriptor[] = [];
    lists.forEach((list, i) => {
      for (const d of list) {
        this.owner.set(d.path, this.parts[i]!);
        out.push(d);
      }
    });
    return out;
  }

  open(descriptor: DeviceDescriptor): Promise<HidConnection> {
    const t = this.owner.get(descriptor.path);
    if (!t) return Promise.reject(new TransportError('UNAVAILABLE', `no transport lists ${descriptor.path}`));
    return t.open(descriptor);
  }
}
