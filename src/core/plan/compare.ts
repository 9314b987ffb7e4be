import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Approver, FieldValue } from '../model/canonical.js';
import { composed, ignoresCase } from '../model/keys.js';

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
      .map((v) => composed(typeof v === 'string' ? v.trim().toLowerCase() : `${v.email.trim().toLowerCase()}:${(v.label ?? '').toLowerCase()}`))
      .sort()
      .join('|');
  const text = composed(value.trim());
  if (ignoresCase(field)) return text.toLowerCase();
  if (field === 'phone' || field === 'mobile') return text.replace(/[\s().-]/g, '');
  return text;
}

/**
 * Whether two values are the same as the platform would see them. Phone numbers compare as numbers
 * (libphonenumber-js): "+44 7700 900101" equals "07700 900101" when the number is read in `region`
 * (ISO alpha-2: the row's country, or the config's phoneRegion); what cannot be read as a number
 * compares as text without separators.
 */
export function same(field: string, a: FieldValue | null | undefined, b: FieldValue | null | undefined, region?: string): boolean {
  if ((field === 'phone' || field === 'mobile') && typeof a === 'string' && typeof b === 'string') return phoneKey(a, region) === phoneKey(b, region);
  return normalise(field, a) === normalise(field, b);
}

function phoneKey(text: string, region: string | undefined): string {
  const international = text.trim().replace(/^00/, '+');
  return parsePhoneNumberFromString(international, region as CountryCode | undefined)?.number ?? normalise('phone', text);
}
