import { UsageError } from '../errors.js';

/**
 * Faults the sandbox injects, each at a rate between 0 and 1:
 * - `429`, `500`, `503`: answer with that status and change nothing (429 and 503 with a Retry-After:
 *   the server says it did not process the request);
 * - `503-after`: handle the request, commit its change, then answer 503 without a Retry-After — as a
 *   proxy does that gave up waiting while the application went on (Heroku's H12 request timeout);
 * - `reset-before`: drop the connection before the request is handled (nothing changes);
 * - `reset-after`: handle the request, commit its change, then drop the connection without an
 *   answer — the client cannot tell whether its POST took effect;
 * - `timeout`: never answer (the connection stays open until the client gives up);
 * - `slow-commit`: a write (any method but GET) is committed and answered late — after
 *   `slowCommitMs` (5 s unless set; `slow-commit=RATE@DELAY`) — as a slow database or a proxy timeout
 *   does: a client that gave up before then does not know the write landed, and it lands anyway.
 * Latency (fixed + random jitter) is separate, applied to every answer.
 */
export const FAULT_KINDS = ['429', '500', '503', '503-after', 'reset-before', 'reset-after', 'timeout', 'slow-commit'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** What `--fault` accepts, for its help. */
export const FAULT_HELP = `inject a fault at a rate (repeatable): ${FAULT_KINDS.filter((k) => k !== 'slow-commit').join(', ')}; slow-commit=RATE@DELAY (committed, answered late; e.g. slow-commit=0.2@3s)`;
export type FaultRates = Partial<Record<FaultKind, number>>;

export interface Latency {
  ms: number;
  jitterMs: number;
}

/** Parses "--fault 503=0.1" (a rate, or a percentage "10%"); slow-commit takes a delay: "slow-commit=0.2@3s". */
export function parseFault(spec: string): [FaultKind, number, number | undefined] {
  const [kind, value] = spec.split('=');
  if (!kind || !(FAULT_KINDS as readonly string[]).includes(kind) || value === undefined)
    throw new UsageError(`bad --fault "${spec}"`, `use KIND=RATE with KIND one of ${FAULT_KINDS.join(', ')} and RATE from 0 to 1 (or 0% to 100%); slow-commit=RATE@DELAY, e.g. slow-commit=0.2@3s`);
  const [rateText, delayText] = value.split('@') as [string, string | undefined];
  const rate = rateText.endsWith('%') ? Number(rateText.slice(0, -1)) / 100 : Number(rateText);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new UsageError(`bad --fault rate "${rateText}": use a number from 0 to 1, or a percentage`);
  if (delayText !== undefined && kind !== 'slow-commit') throw new UsageError(`bad --fault "${spec}": only slow-commit takes a delay`);
  const delay = delayText === undefined ? undefined : parseLatency(delayText).ms;
  return [kind as FaultKind, rate, delay];
}

/** Parses "--latency 20ms" or "20ms,5ms" (fixed, jitter). */
export function parseLatency(spec: string): Latency {
  const [fixed, jitter] = spec.split(',').map((part) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(part.trim());
    if (!m) throw new UsageError(`bad --latency "${spec}"`, 'use e.g. 20ms or 20ms,10ms (fixed, jitter)');
    return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  });
  return { ms: fixed ?? 0, jitterMs: jitter ?? 0 };
}

/** Picks at most one fault for a request, each kind with its own rate. */
export function pickFault(rates: FaultRates, random: () => number): FaultKind | undefined {
  let roll = random();
  for (const kind of FAULT_KINDS) {
    const rate = rates[kind] ?? 0;
    if (roll < rate) return kind;
    roll -= rate;
  }
  return undefined;
}
