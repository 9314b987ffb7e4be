import type { Approver, FieldValue } from '../model/canonical.js';
import { ignoresCase } from '../model/keys.js';

/**
 * Values as a platform would store them, for comparison only: trimmed; emails ignoring case; phone
 * numbers without spaces, dots, dashes or brackets; lists as sets. Two values that normalise alike are
 * unchanged, so a record that did not change costs no write.
 */
export function normalise(field: string, value: FieldValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value))
    return (value as Array<string | Approver>)
      .map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : `${v.email.trim().toLowerCase()}:${(v.label ?? '').toLowerCase()}`))
      .sort()
      .join('|');
  const text = value.trim();
  if (ignoresCase(field)) return text.toLowerCase();
  if (field === 'phone' || field === 'mobile') return text.replace(/[\s().-]/g, '');
  return text;
}

export function same(field: string, a: FieldValue | null | undefined, b: FieldValue | null | undefined): boolean {
  return normalise(field, a) === normalise(field, b);
}
