import ora, { type Ora } from 'ora';
import type { Io } from './terminal.js';

/**
 * A spinner on a terminal (never in CI or a pipe, where it would only add noise), and the rate of work
 * done: "1,204 rows, 5,120/s".
 */
export function spinner(io: Io): Ora {
  return ora({ stream: io.stderr as NodeJS.WritableStream, isSilent: !io.stderr.isTTY || Boolean(io.env.CI), discardStdin: false });
}

export function ratePerSecond(done: number, startedMs: number): number {
  return done / Math.max(0.001, (performance.now() - startedMs) / 1000);
}
