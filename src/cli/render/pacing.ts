import { pacedDuration } from '../../core/apply/duration.js';
import type { Pacing } from '../../core/ports.js';
import { formatCount, type Colours } from '../terminal.js';

/** A rate as people write a platform's limit: "5,000/h", "120/min", "10/s" — the first unit that makes it whole. */
export function rateText(perSecond: number): string {
  for (const [unit, seconds] of [['s', 1], ['min', 60], ['h', 3600]] as const) {
    const n = Math.round(perSecond * seconds * 100) / 100;
    if (Number.isInteger(n) && n >= 1) return `${formatCount(n)}/${unit}`;
  }
  return `${formatCount(Math.round(perSecond * 3600))}/h`;
}

/** "about 40 s", "about 30 min", "about 2 h 5 min". */
export function durationText(seconds: number): string {
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** Under a plan whose writes the target's pacing holds back: "paced at 5,000/h after a burst of 500: about 30 min". */
export function pacedLine(seconds: number, pacing: { perSecond: number; burst: number }): string {
  return `paced at ${rateText(pacing.perSecond)} after a burst of ${formatCount(pacing.burst)}: ${durationText(seconds)}`;
}

/** The rest of a progress line: "120/3,000 done, 0 failed, 1.4/s, about 29 min left, paced by the platform’s limit". */
export function progressText(p: { done: number; total: number; failed: number; perSecond: number; secondsLeft: number | undefined; paced: boolean }): string {
  const left = p.secondsLeft !== undefined && p.done < p.total ? `, ${durationText(p.secondsLeft)} left` : '';
  return `${formatCount(p.done)}/${formatCount(p.total)} done, ${formatCount(p.failed)} failed, ${p.perSecond.toFixed(1)}/s${left}${p.paced ? ', paced by the platform’s limit' : ''}`;
}

/** Under a plan, when the target's pacing holds its writes back for more than a minute: that line, dim, else nothing. */
export function pacedNote(writes: number, pacing: Pacing | undefined, c: Colours): string {
  const seconds = pacing && pacedDuration(writes, { perSecond: pacing.perSecond, burst: pacing.burst, available: pacing.available() });
  return pacing && seconds !== undefined ? `${c.dim(pacedLine(seconds, pacing))}\n` : '';
}
