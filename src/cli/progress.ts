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

/**
 * The rate of the last `windowMs` (since the start until then): what an apply does now. A paced run's
 * first 500 writes go in a burst of seconds, then 1.4 a second — the mean since the start said 27/s
 * half a minute after the burst, beside "about 30 min left". Told of every write (note: thousands a
 * second, a clock read each), it keeps one sample a second at most; asked only when a line is due.
 */
export class RecentRate {
  private readonly samples: Array<{ at: number; done: number }>;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly windowMs = 20_000,
  ) {
    this.samples = [{ at: now(), done: 0 }];
  }

  /** `done` writes now. */
  note(done: number): void {
    const at = this.now();
    if (at - this.samples[this.samples.length - 1]!.at >= 1000) this.samples.push({ at, done });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift();
  }

  perSecond(done: number): number {
    this.note(done);
    const from = this.samples[0]!;
    return (done - from.done) / Math.max(0.001, (this.now() - from.at) / 1000);
  }
}
