import { UsageError } from '../../errors.js';

/**
 * Value transforms a mapping file can name for a field: trim, lower, upper, and date:FORMAT, which
 * reads a date written as FORMAT (tokens dd d mm m yyyy yy) and yields ISO yyyy-mm-dd.
 */
/** How a value is looked up in a mapping file's value table: trimmed, ignoring case. */
export const lookupKey = (value: string): string => value.trim().toLowerCase();

export type Transform = (value: string) => { ok: true; value: string } | { ok: false; expected: string };

const simple: Record<string, Transform> = {
  trim: (v) => ({ ok: true, value: v.trim() }),
  lower: (v) => ({ ok: true, value: v.toLowerCase() }),
  upper: (v) => ({ ok: true, value: v.toUpperCase() }),
};

export const TRANSFORM_NAMES = ['trim', 'lower', 'upper', 'date:FORMAT'] as const;

/** Two-digit years: 00–49 are 20xx, 50–99 are 19xx. */
const PIVOT = 50;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

function dateTransform(format: string): Transform {
  const order: Array<'d' | 'm' | 'y'> = [];
  let pattern = '';
  let rest = format.toLowerCase();
  while (rest.length) {
    const token = /^(yyyy|yy|dd|d|mm|m)/.exec(rest)?.[1];
    if (token) {
      order.push(token[0] as 'd' | 'm' | 'y');
      // Day and month take one or two digits whatever the format says: "1-6-1992" under dd-mm-yyyy.
      pattern += token === 'yyyy' ? '(\\d{4})' : token === 'yy' ? '(\\d{2})' : '(\\d{1,2})';
      rest = rest.slice(token.length);
    } else {
      pattern += rest[0]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      rest = rest.slice(1);
    }
  }
  if (!order.includes('d') || !order.includes('m') || !order.includes('y') || order.length !== 3)
    throw new UsageError(`date format "${format}" needs a day, a month and a year, e.g. date:dd-mm-yyyy`);
  // A time after the date (as spreadsheets export "31/12/1990 00:00") is ignored.
  const regex = new RegExp(`^${pattern}(?:[ T].*)?$`);
  return (value) => {
    const match = regex.exec(value.trim());
    if (!match) return { ok: false, expected: format };
    const parts: Record<string, number> = {};
    order.forEach((k, i) => (parts[k] = Number(match[i + 1])));
    let year = parts.y!;
    if (year < 100 && !format.toLowerCase().includes('yyyy')) year += year < PIVOT ? 2000 : 1900;
    if (!isValidDate(year, parts.m!, parts.d!)) return { ok: false, expected: format };
    const pad = (n: number) => String(n).padStart(2, '0');
    return { ok: true, value: `${String(year).padStart(4, '0')}-${pad(parts.m!)}-${pad(parts.d!)}` };
  };
}

/** Compiles one transform name; a name it does not know is a usage error. */
export function compileTransform(spec: string): Transform {
  const trimmed = spec.trim();
  const known = simple[trimmed.toLowerCase()];
  if (known) return known;
  if (trimmed.toLowerCase().startsWith('date:')) return dateTransform(trimmed.slice(5));
  throw new UsageError(`unknown transform "${spec}"`, `transforms are: ${TRANSFORM_NAMES.join(', ')}`);
}
