// The UDP transport listens on loopback only and takes reports only from the configured device address
// and port: reports from another port, from another address, or sent to another local address never
// reach the CTAPHID layer, and are counted in the debug log.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { HidConnection } from './types.js';
import { UdpTransport } from './udp.js';

const sockets: Socket[] = [];
let connection: HidConnection | undefined;
afterEach(async () => {
  await connection?.close();
  connection = undefined;
  for (const s of sockets.splice(0)) s.close();
});

function socketOn(address: string, port = 0): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, address, () => {
      sockets.push(s);
      resolve(s);
    });
  });
}

function sendFrom(s: Socket, report: Uint8Array, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => s.send(report, port, address, (e) => (e ? reject(e) : resolve())));
}

const report = (marker: number) => new Uint8Array(64).fill(marker);

async function freePort(): Promise<number> {
  const s = await socketOn('127.0.0.1');
  const { port } = s.address();
  sockets.splice(sockets.indexOf(s), 1);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('UDP transport: loopback only, authenticated by address', () => {
  it('drops reports from another port, another address or to another local address, and logs the count', async () => {
    const device = await socketOn('127.0.0.1');
    const devicePort = device.address().port;
    const listenPort = await freePort();
    const log: string[] = [];
    const transport = new UdpTransport({ host: '127.0.0.1', port: devicePort, listenPort }, (l) =>
      log.push(l),
    );
    connection = await transport.open({ path: 'udp', product: 'test', transport: 'udp' });

    // Same address, another port.
    const otherPort = await socketOn('127.0.0.1');
    await sendFrom(otherPort, report(1), listenPort, '127.0.0.1');
    // Another address (127.0.0.2 is loopback too on Linux), the device's port.
    const otherAddress = await socketOn('127.0.0.2', devicePort);
    await sendFrom(otherAddress, report(2), listenPort, '127.0.0.1');
    // The device itself, but to another local address: only a socket bound to every address hears it.
    await sendFrom(device, report(3), listenPort, '127.0.0.2');
    // The device, to the address the host listens on.
    await sendFrom(device, report(4), listenPort, '127.0.0.1');

    const first = await connection.read(5000);
    expect(first?.[0]).toBe(4);
    expect(log).toEqual([expect.stringMatching(/^udp: dropped a report from 127\.0\.0\.1:\d+/)]);
    await connection.close();
    connection = undefined;
    expect(log[1]).toBe('udp: dropped 2 report(s) from senders other than the configured device');
  });

  it('listens on the configured address when one is given', async () => {
    const device = await socketOn('127.0.0.1');
    const listenPort = await freePort();
    const transport = new UdpTransport({
      host: '127.0.0.1',
      port: device.address().port,
      listenPort,
      bindAddress: '127.0.0.3',
    });
    expect(transport.name).toBe(`udp:127.0.0.1:${device.address().port}:${listenPort}:127.0.0.3`);
    connection = await transport.open({ path: 'udp', product: 'test', transport: 'udp' });
    await sendFrom(device, report(5), listenPort, '127.0.0.1');
    await sendFrom(device, report(6), listenPort, '127.0.0.3');
    expect((await connection.read(5000))?.[0]).toBe(6);
  });
});
