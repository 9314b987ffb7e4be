import { UsageError } from '../errors.js';

/** A whole number of 1 or more, or undefined when the flag was not given. */
export function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of 1 or more, not "${text}"`);
  return n;
}

/** A number of seconds, 0 or more, as milliseconds; undefined when the flag was not given. */
export function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number of seconds, not "${text}"`);
  return n * 1000;
}

/** --since: an ISO date or date-time. */
export function since(text: string | undefined): string | undefined {
  if (text !== undefined && Number.isNaN(Date.parse(text))) throw new UsageError(`--since "${text}" is not an ISO date or date-time`);
  return text;
}

/** --filter status=Enabled,New (repeatable) → {status: ['Enabled', 'New']}. */
export function filters(specs: string[]): Record<string, string[]> {
  const filter: Record<string, string[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad --filter "${spec}"`, 'use FIELD=VALUE[,VALUE…], e.g. status=Enabled,New');
    filter[spec.slice(0, eq).trim()] = spec.slice(eq + 1).split(',').map((v) => v.trim());
  }
  return filter;
}

/** "10%" or "25" → the --max-missing limit. */
export function maxMissing(text: string): { count: number } | { fraction: number } {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!m) throw new UsageError(`--max-missing must be a count or a percentage, not "${text}"`);
  return m[2] ? { fraction: Number(m[1]) / 100 } : { count: Math.floor(Number(m[1])) };
}
