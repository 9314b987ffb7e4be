import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMoment } from '../core/lifecycle/calendar.js';
import { FIELDS } from '../core/model/fields.js';
import { parseLimit } from '../core/plan/brake.js';
import { parseTolerance, type Tolerance } from '../core/validate/tolerance.js';
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

/** --where department=Sales,Support (repeatable; one field given twice: either's values) → {department: ['Sales', 'Support']}. */
export function where(specs: readonly string[]): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const values = spec.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
    if (eq <= 0 || !values.length) throw new UsageError(`bad --where "${spec}"`, 'use FIELD=VALUE[,VALUE…], e.g. department=Sales,Support');
    const field = spec.slice(0, eq).trim();
    out[field] = [...(out[field] ?? []), ...values];
  }
  return specs.length ? out : undefined;
}

const MODES = ['create', 'update', 'deactivate'] as const;

/** --mode create,update → the kinds of write a run may make; undefined without it. */
export function modes(text: string | undefined): Array<(typeof MODES)[number]> | undefined {
  if (text === undefined) return undefined;
  const kinds = text.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean);
  const bad = kinds.find((k) => !(MODES as readonly string[]).includes(k));
  if (bad !== undefined || !kinds.length) throw new UsageError(`bad --mode "${text}"${bad ? `: "${bad}" is not a kind of write` : ''}`, 'use create, update, deactivate, comma-separated, e.g. --mode create,update');
  return [...new Set(kinds)] as Array<(typeof MODES)[number]>;
}

/** "10%" or "25" → the limit of a brake (--max-missing, --max-deactivations). */
export function maxMissing(text: string, flag = '--max-missing'): Limit {
  const limit = parseLimit(text);
  if (!limit) throw new UsageError(`${flag} must be a count or a percentage, not "${text}"`, 'e.g. 25 (records) or 10% (of the target’s records)');
  return limit;
}

/** --max-invalid 5 or 2%: the invalid rows a run accepts; undefined when the flag was not given. */
export function maxInvalid(text: string | undefined): Tolerance | undefined {
  if (text === undefined) return undefined;
  const tolerance = parseTolerance(text);
  if (!tolerance) throw new UsageError(`--max-invalid: expected a count like 5 or a share like 2%, not "${text}"`, 'a count of rows (0 or more), or a share of the rows read (up to 100%)');
  return tolerance;
}

/**
 * The run's tolerance of invalid rows and how it was given, for its messages: --max-invalid, else the
 * config's maxInvalid (the target's, else the top level's); --strict (zero) wins over the config.
 */
export function toleranceOf(flag: string | undefined, strict: boolean, configured: { text: string; where: string } | undefined): { limit: Tolerance; said: string } | undefined {
  if (flag !== undefined) return { limit: maxInvalid(flag)!, said: `--max-invalid ${flag}` };
  if (strict || !configured) return undefined;
  const limit = parseTolerance(configured.text);
  if (!limit) throw new UsageError(`${configured.where}: expected a count like 5 or a share like 2%, not "${configured.text}"`);
  return { limit, said: `${configured.where} ${configured.text}` };
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
