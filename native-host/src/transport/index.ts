// Transport selection: `--transport` or MFA_BRIDGE_TRANSPORT: `hid` (default) or
// `udp:HOST:PORT[:LISTENPORT[:BINDADDRESS]]` (software authenticators and forwarded keys; the host listens
// on 127.0.0.1 unless BINDADDRESS says otherwise, and takes reports only from HOST:PORT).
import { isIPv4 } from 'node:net';
import { CompositeTransport } from './composite.js';
import { NodeHidTransport } from './hid.js';
import { type Transport, TransportError } from './types.js';
import { DEFAULT_UDP, type UdpDropLog, UdpTransport } from './udp.js';

export { CompositeTransport } from './composite.js';
export { FIDO_USAGE_PAGE, loadNodeHid, NodeHidTransport } from './hid.js';
export * from './types.js';
export { DEFAULT_UDP, DEFAULT_UDP_BIND, type UdpDropLog, type UdpEndpoint, UdpTransport } from './udp.js';

export type TransportSpec =
  | { kind: 'hid' }
  | { kind: 'udp'; host: string; port: number; listenPort: number; bindAddress?: string };

function parsePort(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new TransportError('BAD_SPEC', `${what} "${text}" is not a port number`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw new TransportError('BAD_SPEC', `${what} ${n} is out of range 1-65535`);
  return n;
}

export function parseTransportSpec(spec: string): TransportSpec {
  const s = spec.trim();
  if (s === '' || s === 'hid') return { kind: 'hid' };
  const m = /^udp:([^:]+):([^:]+)(?::([^:]+)(?::([^:]+))?)?$/.exec(s);
  if (!m) {
    throw new TransportError(
      'BAD_SPEC',
      `transport "${spec}" is neither "hid" nor "udp:HOST:PORT[:LISTENPORT[:BINDADDRESS]]"`,
    );
  }
  const bindAddress = m[4];
  if (bindAddress !== undefined && !isIPv4(bindAddress)) {
    throw new TransportError('BAD_SPEC', `UDP bind address "${bindAddress}" is not an IPv4 address`);
  }
  return {
    kind: 'udp',
    host: m[1]!,
    port: parsePort(m[2]!, 'UDP port'),
    listenPort: m[3] === undefined ? DEFAULT_UDP.listenPort : parsePort(m[3], 'UDP listen port'),
    ...(bindAddress !== undefined ? { bindAddress } : {}),
  };
}

/** A comma-separated list of specs (`hid,udp:127.0.0.1:8111`): every key on every transport. */
export function parseTransportSpecs(specs: string): TransportSpec[] {
  const parts = specs.split(',').map((s) => s.trim());
  if (parts.some((p) => p === ''))
    throw new TransportError('BAD_SPEC', `transport list "${specs}" has an empty entry`);
  return parts.map(parseTransportSpec);
}

export function createTransport(spec: TransportSpec, log?: UdpDropLog): Transport {
  if (spec.kind === 'hid') return new NodeHidTransport();
  const { host, port, listenPort, bindAddress } = spec;
  return new UdpTransport({ host, port, listenPort, ...(bindAddress ? { bindAddress } : {}) }, log);
}

/** The transport named on the command line, else in MFA_BRIDGE_TRANSPORT, else `hid`. */
export function transportFromEnvironment(
  cliValue?: string,
  env: NodeJS.ProcessEnv = process.env,
  log?: UdpDropLog,
): Transport {
  const specs = parseTransportSpecs(cliValue ?? env.MFA_BRIDGE_TRANSPORT ?? 'hid');
  const make = (spec: TransportSpec) => createTransport(spec, log);
  return specs.length === 1 ? make(specs[0]!) : new CompositeTransport(specs.map(make));
}
