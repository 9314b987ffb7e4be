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

/** What a run does with its spinner: start it, change its text, stop it. */
export interface Spinner {
  text: string;
  start(text?: string): unknown;
  stop(): unknown;
}

/**
 * A spinner where progress is drawn live (see drawsLive); elsewhere one that draws nothing — and ora,
 * with the twenty modules it brings, is loaded only for a spinner that is drawn.
 */
export async function spinner(io: Io): Promise<Spinner> {
  if (!drawsLive(io)) return { text: '', start: () => undefined, stop: () => undefined };
  const { default: ora } = await import('ora');
  return ora({ stream: io.stderr as NodeJS.WritableStream, discardStdin: false, color: colourOn(io.stderr, io.env) ? 'cyan' : false });
}

export function ratePerSecond(done: number, startedMs: number): number {
  return done / Math.max(0.001, (performance.now() - startedMs) / 1000);
}
