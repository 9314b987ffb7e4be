import ora, { type Ora } from 'ora';
import { colourOn, type Io } from './terminal.js';

/**
 * Whether progress is drawn in place (a spinner) rather than written as lines: on a terminal that has
 * a width, and not in CI. A pseudo-terminal made without a size (`script` run from a pipe, as CI
 * wrappers and agents do; `docker run -t` for a moment) reports 0 columns, and ora 9 then computes
 * Infinity lines to clear and loops forever writing escapes (the same bug as
 * sindresorhus/yocto-spinner#19 and RoloBits/nestjs-doctor#314): such a terminal gets lines.
 */
export function drawsLive(io: Io): boolean {
  const columns = (io.stderr as { columns?: number }).columns;
  return Boolean(io.stderr.isTTY) && !io.env.CI && (columns === undefined || columns > 0);
}

/** A spinner where progress is drawn live (see drawsLive); silent elsewhere. */
export function spinner(io: Io): Ora {
  return ora({ stream: io.stderr as NodeJS.WritableStream, isSilent: !drawsLive(io), discardStdin: false, color: colourOn(io.stderr, io.env) ? 'cyan' : false });
}

export function ratePerSecond(done: number, startedMs: number): number {
  return done / Math.max(0.001, (performance.now() - startedMs) / 1000);
}
