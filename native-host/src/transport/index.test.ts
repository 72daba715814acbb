import { describe, expect, it } from 'vitest';
import {
  CompositeTransport,
  parseTransportSpec,
  parseTransportSpecs,
  TransportError,
  transportFromEnvironment,
} from './index.js';

describe('transport selection', () => {
  it('parses hid and udp:HOST:PORT[:LISTENPORT[:BINDADDRESS]]', () => {
    expect(parseTransportSpec('hid')).toEqual({ kind: 'hid' });
    expect(parseTransportSpec('udp:127.0.0.1:8111')).toEqual({
      kind: 'udp',
      host: '127.0.0.1',
      port: 8111,
      listenPort: 7112,
    });
    expect(parseTransportSpec('udp:localhost:9000:9001')).toEqual({
      kind: 'udp',
      host: 'localhost',
      port: 9000,
      listenPort: 9001,
    });
    expect(parseTransportSpec('udp:10.0.0.5:8111:7112:10.0.0.2')).toEqual({
      kind: 'udp',
      host: '10.0.0.5',
      port: 8111,
      listenPort: 7112,
      bindAddress: '10.0.0.2',
    });
    for (const bad of [
      'usb',
      'udp:',
      'udp:h',
      'udp:h:0',
      'udp:h:70000',
      'udp:h:1:x',
      'udp:h:1:2:3',
      'udp:h:1:2:3:4',
    ]) {
      expect(() => parseTransportSpec(bad)).toThrow(TransportError);
    }
    expect(() => parseTransportSpecs('hid,')).toThrow(TransportError);
  });

  it('takes --transport over MFA_BRIDGE_TRANSPORT over hid, and combines a list', () => {
    expect(transportFromEnvironment(undefined, {}).name).toBe('hid');
    expect(transportFromEnvironment(undefined, { MFA_BRIDGE_TRANSPORT: 'udp:127.0.0.1:8111' }).name).toBe(
      'udp:127.0.0.1:8111:7112',
    );
    expect(transportFromEnvironment('hid', { MFA_BRIDGE_TRANSPORT: 'udp:127.0.0.1:8111' }).name).toBe('hid');
    const both = transportFromEnvironment('hid,udp:127.0.0.1:8111:7000', {});
    expect(both).toBeInstanceOf(CompositeTransport);
    expect(both.name).toBe('hid,udp:127.0.0.1:8111:7000');
  });
});
