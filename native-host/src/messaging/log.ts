// Opt-in logging (MFA_BRIDGE_LOG=stderr|FILE or --log): request ids, types and outcomes, never content.
import { appendFileSync } from 'node:fs';

export interface LogEntry {
  id?: string;
  type?: string;
  outcome: string;
  ms?: number;
}

export type Logger = (entry: LogEntry) => void;

export const silentLogger: Logger = () => undefined;

export function createLogger(destination: string | undefined): Logger {
  if (!destination) return silentLogger;
  return (entry) => {
    const line = `${new Date().toISOString()} ${JSON.stringify(entry)}\n`;
    try {
      if (destination === 'stderr') process.stderr.write(line);
      else appendFileSync(destination, line, { mode: 0o600 });
    } catch {
      // logging never takes the host down
    }
  };
}
