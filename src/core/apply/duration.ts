import type { Pacing } from '../ports.js';

/** Pacing is worth a word when it alone keeps a run going longer than this. */
export const PACED_NOTICE_SECONDS = 60;

/**
 * Seconds the pacing alone takes to send `requests`, `available` of them at once (the burst left), the
 * rest at the rate: 3,000 writes, 500 available, 5,000 an hour → 2,500 / (5,000 / 3,600) = 1,800 s.
 * It counts one request per write; the answers' own time is not in it (it overlaps the waiting).
 */
export function pacedSeconds(requests: number, pace: { perSecond: number; available: number }): number {
  if (requests <= 0 || pace.perSecond <= 0) return 0;
  return Math.max(0, requests - Math.floor(pace.available)) / pace.perSecond;
}

/**
 * How long a plan's writes will take because of the target's pacing — only when pacing binds, that is
 * when it alone takes longer than `threshold` seconds; undefined otherwise (the writes are then bounded
 * by the platform's answers, which no one can tell in advance).
 */
export function pacedDuration(writes: number, pacing: Pick<Pacing, 'perSecond' | 'burst'> & { available?: number } | undefined, threshold = PACED_NOTICE_SECONDS): number | undefined {
  if (!pacing) return undefined;
  const seconds = pacedSeconds(writes, { perSecond: pacing.perSecond, available: pacing.available ?? pacing.burst });
  return seconds > threshold ? seconds : undefined;
}

/**
 * Seconds left of an apply with `remaining` writes: what the rate seen so far says, or — when pacing
 * binds — what the pacing says, whichever is longer (the burst makes the early rate look fast).
 * Undefined when nothing is known yet (no write done).
 */
export function secondsLeft(remaining: number, seenPerSecond: number, pace?: { perSecond: number; available: number }): number | undefined {
  if (remaining <= 0) return 0;
  const seen = seenPerSecond > 0 ? remaining / seenPerSecond : undefined;
  const paced = pace ? pacedSeconds(remaining, pace) : 0;
  return seen === undefined ? (paced > 0 ? paced : undefined) : Math.max(seen, paced);
}
