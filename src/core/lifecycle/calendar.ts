/**
 * Days as a person lives them: a date such as an end date means a day in that person's time zone (an
 * IANA name, e.g. Pacific/Auckland), which starts and ends at different instants in Auckland and in Los
 * Angeles. Every decision takes the moment it is made for (the run's clock, `--as-of`) explicitly: nothing
 * here reads the machine's clock or its time zone. Zones come from the ICU data Node.js ships (full ICU
 * since Node 13), through Intl.DateTimeFormat; no dependency.
 */

import { closest } from '../../shared/closest.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The formatter of a zone, made once (making one costs far more than using it). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The zone's IANA name as written, its case made right (e.g. "europe/berlin" → "Europe/Berlin"), or
 * undefined when it is not one. A current name stays itself: ICU resolves some to their old spelling
 * ("Asia/Kolkata" → "Asia/Calcutta", "Europe/Kyiv" → "Europe/Kiev"), which is never sent in its place.
 * Offsets such as "+01:00" are refused whatever the Node.js version: an offset is not a place, and does
 * not follow its summer time.
 */
export function timeZoneName(name: string): string | undefined {
  const text = name.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(text)) return undefined;
  let resolved: string;
  try {
    resolved = formatter(text).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  const lower = text.toLowerCase();
  if (resolved.toLowerCase() === lower) return resolved;
  const listed = Intl.supportedValuesOf('timeZone').find((z) => z.toLowerCase() === lower);
  if (listed) return listed;
  // A name ICU knows by another spelling: as written when it has capitals, else each word capitalised.
  return text !== lower ? text : lower.replace(/(^|[/_-])([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * What to write instead of a refused time-zone name (for an issue's hint): the IANA name of a city
 * written alone ("Berlin" → Europe/Berlin), the closest name, or the form.
 */
export function timeZoneHint(name: string): string {
  const text = name.trim();
  if (/^(utc|gmt)?\s*[+-]\d/i.test(text)) return 'an offset is not a place and does not follow its summer time: write the IANA name of the place, e.g. Europe/Berlin';
  const zones = Intl.supportedValuesOf('timeZone');
  const city = text.toLowerCase().replace(/\s+/g, '_');
  const near = zones.find((z) => z.slice(z.lastIndexOf('/') + 1).toLowerCase() === city) ?? closest(text, zones);
  return near ? `did you mean "${near}"? Write an IANA time-zone name` : 'write an IANA time-zone name, e.g. Europe/Berlin or America/Los_Angeles';
}

/** The wall-clock reading of an instant in a zone, as milliseconds since 1970 read as if UTC. */
function wallClock(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + (instant % 1000 + 1000) % 1000;
}

/** How far the zone's clocks are ahead of UTC at an instant, in milliseconds. */
export function offsetAt(instant: number, zone: string): number {
  return wallClock(instant, zone) - instant;
}

/** The local date (yyyy-mm-dd) of an instant in a zone. */
export function localDate(instant: number, zone: string): string {
  return new Date(wallClock(instant, zone)).toISOString().slice(0, 10);
}

/** A date (yyyy-mm-dd) moved by whole days. */
export function addDays(date: string, days: number): string {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * DAY_MS).toISOString().slice(0, 10);
}

const starts = new Map<string, number>();

/**
 * The instant a local day starts in a zone: its first moment, usually midnight — or later, where the
 * clocks jump over midnight (as Chile's, Cuba's and Lebanon's did). Remembered per zone and date: a
 * file's people share few dates.
 */
export function startOfDay(date: string, zone: string): number {
  const key = `${zone}|${date}`;
  const known = starts.get(key);
  if (known !== undefined) return known;
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const midnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Midnight less the offset of then; once more with the offset found there (a change of offset near it).
  let at = midnight - offsetAt(midnight - offsetAt(midnight, zone), zone);
  if (wallClock(at, zone) !== midnight) at = firstInstantOf(date, zone, midnight);
  if (starts.size > 100_000) starts.clear();
  starts.set(key, at);
  return at;
}

/** The first instant whose local date is `date` or later (a day whose midnight does not exist): by halving, to the second. */
function firstInstantOf(date: string, zone: string, midnight: number): number {
  let low = midnight - 15 * 3_600_000; // before the day in every zone (offsets run from −12 h to +14 h)
  let high = midnight + 15 * 3_600_000; // within or after it in every zone
  while (high - low > 1000) {
    const mid = Math.floor((low + high) / 2000) * 1000; // whole seconds: clocks change on them
    if (localDate(mid, zone) >= date) high = mid;
    else low = mid;
  }
  return high;
}

/** The instant a local day ends: the start of the next. */
export function endOfDay(date: string, zone: string): number {
  return startOfDay(addDays(date, 1), zone);
}

/** An instant as people read it: its local date and time, and the zone (e.g. "2027-01-31 00:00 Pacific/Auckland"). */
export function localTime(instant: number, zone: string): string {
  const wall = new Date(wallClock(instant, zone)).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, 16)} ${zone}`;
}

/**
 * A moment as given to `--as-of`: a date (the start of that day in `zone`), a date and time without an
 * offset (that wall-clock time in `zone`), or with one (Z or ±hh:mm). Undefined when it is none of these,
 * or when the wall-clock time does not exist in the zone (skipped when the clocks went forward).
 */
export function parseMoment(text: string, zone: string): number | undefined {
  const t = text.trim();
  if (DATE.test(t)) return validDate(t) ? startOfDay(t, zone) : undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!m || !validDate(m[1]!)) return undefined;
  const [hh, mm, ss] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (hh > 23 || mm > 59 || ss > 59) return undefined;
  const ms = Number((m[5] ?? '0').padEnd(3, '0'));
  const wall = Date.parse(`${m[1]}T00:00:00Z`) + ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
  if (m[6]) {
    if (m[6].toUpperCase() === 'Z') return wall;
    const o = /^([+-])(\d{2}):?(\d{2})$/.exec(m[6])!;
    if (Number(o[2]) > 14 || Number(o[3]) > 59) return undefined; // no zone is further than ±14:00
    const offset = (Number(o[2]) * 60 + Number(o[3])) * 60_000;
    return o[1] === '+' ? wall - offset : wall + offset;
  }
  // A wall-clock time in the zone: the instant that reads so there (the earlier of two in an hour that repeats).
  for (const guess of [wall - offsetAt(wall - 86_400_000 / 2, zone), wall - offsetAt(wall + 86_400_000 / 2, zone)].sort((a, b) => a - b))
    if (wallClock(guess, zone) === wall) return guess;
  return undefined;
}

/** Whether a yyyy-mm-dd names a day of the calendar (not 2027-02-30). */
export function validDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
