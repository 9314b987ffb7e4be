import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMoment } from '../core/lifecycle/calendar.js';
import { FIELDS } from '../core/model/fields.js';
import { parseLimit } from '../core/plan/brake.js';
import type { Limit } from '../core/plan/types.js';
import { UsageError } from '../errors.js';
import { closest } from '../shared/closest.js';

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

/** "10%" or "25" → the limit of a brake (--max-missing, --max-deactivations). */
export function maxMissing(text: string, flag = '--max-missing'): Limit {
  const limit = parseLimit(text);
  if (!limit) throw new UsageError(`${flag} must be a count or a percentage, not "${text}"`, 'e.g. 25 (records) or 10% (of the target’s records)');
  return limit;
}

const AS_OF_FORMS = 'yyyy-mm-dd (the start of that day), yyyy-mm-ddThh:mm[:ss] (that time on the clock), both in the config’s timeZone (else UTC), or with an offset: yyyy-mm-ddThh:mmZ, yyyy-mm-ddThh:mm+02:00';

/**
 * --as-of: the moment the run plans for (ms since 1970), read in `zone` when it names no offset; `now`
 * (the run's clock, read once) when the flag was not given. Anything else is a usage error naming the forms.
 */
export function asOf(text: string | undefined, zone: string, now: number): number {
  if (text === undefined) return now;
  const at = parseMoment(text, zone);
  if (at === undefined)
    throw new UsageError(
      parseMoment(text, 'UTC') === undefined ? `--as-of "${text}" is not a date or a date-time` : `--as-of "${text}": that time does not exist in ${zone} (the clocks skipped it)`,
      `write ${AS_OF_FORMS}`,
    );
  return at;
}

/** --match externalId,email → the ordered keys; each must be a canonical field (of any entity), or it is a usage error with a suggestion. */
export function matchKeys(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const keys = text.split(',').map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0) throw new UsageError('--match needs at least one field, e.g. --match externalId,email');
  const fields = [...new Set(Object.values(FIELDS).flatMap((defs) => defs.map((d) => d.name)))];
  for (const key of keys)
    if (!fields.includes(key)) {
      const near = closest(key, fields);
      throw new UsageError(`--match: "${key}" is not a field${near ? `; did you mean "${near}"?` : ''}`, near ? undefined : `match keys are canonical field names, e.g. externalId, email, id, name, label`);
    }
  return keys;
}

/**
 * An output path that is one of the input files would overwrite the data being read (an HR file
 * replaced by its report): a usage error before anything is read or written.
 */
export function notAnInput(flag: string, output: string | undefined, inputs: readonly string[], cwd: string): void {
  if (output === undefined || output === '-') return;
  const real = (p: string) => {
    const full = resolve(cwd, p);
    try {
      return realpathSync(full);
    } catch {
      return full;
    }
  };
  const target = real(output);
  const clash = inputs.find((input) => input !== '-' && real(input) === target);
  if (clash) throw new UsageError(`${flag} ${output} is one of the input files: it would be overwritten`, `write it elsewhere, e.g. ${flag} ${output.replace(/(\.[^./\\]+)?$/, '.out$1')}`);
}
