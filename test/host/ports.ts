// Free UDP ports for tests, so several test runs can share the machine.
import { createSocket } from 'node:dgram';

/** A UDP port that was free a moment ago on 127.0.0.1 (bound, read, released). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
