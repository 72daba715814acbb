// Browser-started mode: native messaging on stdin/stdout.
import type { HostMessage } from '@shared/protocol/index.js';
import { encodeFrame, FrameDecoder, FramingError } from './messaging/framing.js';
import type { Logger } from './messaging/log.js';
import { HostSession } from './messaging/session.js';
import type { Transport } from './transport/types.js';

export interface NativeOptions {
  transport: Transport;
  version: string;
  log: Logger;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** Runs until stdin closes; resolves with the exit code. */
export function runNativeMessaging(o: NativeOptions): Promise<number> {
  const input = o.input ?? process.stdin;
  const output = o.output ?? process.stdout;
  const send = (m: HostMessage): void => {
    let frame: Buffer;
    try {
      frame = encodeFrame(m);
    } catch (err) {
      if (!(err instanceof FramingError) || !('id' in m)) throw err;
      frame = encodeFrame({
        id: m.id,
        ok: false,
        error: { name: 'ProtocolError', message: `the reply exceeds the browser's 1 MB message limit` },
      });
    }
    output.write(frame);
  };
  const session = new HostSession({ transport: o.transport, version: o.version, send, log: o.log });
  const decoder = new FrameDecoder();
  return new Promise((resolve) => {
    let finished = false;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      session.shutdown();
      input.removeAllListeners('data');
      // Give a cancelled key operation a moment to send CTAPHID_CANCEL, then flush stdout.
      setTimeout(() => output.write('', () => resolve(code)), session.busy ? 300 : 0);
    };
    input.on('data', (chunk: Buffer) => {
      let events: ReturnType<FrameDecoder['push']>;
      try {
        events = decoder.push(chunk);
      } catch (err) {
        o.log({ outcome: `unreadable input: ${(err as Error).message}` });
        process.stderr.write(`mfa-bridge-host: ${(err as Error).message}; exiting\n`);
        return finish(1);
      }
      for (const ev of events) {
        if (ev.kind === 'message') session.handle(ev.value);
        else if (ev.kind === 'invalid')
          session.protocolError('', `the message is not valid UTF-8 JSON: ${ev.reason}`);
        else
          session.protocolError(
            '',
            `a message of ${ev.length} bytes exceeds the 1 MB limit and was discarded`,
          );
      }
    });
    input.on('end', () => finish(0));
    input.on('error', () => finish(1));
  });
}
