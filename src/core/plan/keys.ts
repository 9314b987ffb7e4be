import type { CanonicalValues } from '../model/canonical.js';
import { keyValue } from '../model/keys.js';

const keyText = (field: string, value: string) => `${field}=${value}`;

/**
 * A match key's value in a record, in the form it is compared in: one field's, or for a compound key
 * ("userId+courseDateId") every part's, joined. Undefined when the record lacks it (or any part).
 */
export function keyOf(key: string, values: CanonicalValues): string | undefined {
  const parts: string[] = [];
  for (const field of key.split('+')) {
    const v = values[field];
    if (typeof v !== 'string' || !v.trim()) return undefined;
    parts.push(keyValue(field, v));
  }
  return parts.join('\u0000');
}

/** How a person reads a record's key: "externalId=E1001", or "userId=pebrid courseDateId=12368". */
export function keyLabel(key: string, values: CanonicalValues): string {
  return key.split('+').map((f) => keyText(f, String(values[f]).trim())).join(' ');
}

/** How a person reads a target record: its first key it has a value for, with its id ("externalId=E1099 (id gone)"). */
export function describeRecord(row: CanonicalValues, keys: readonly string[]): string {
  const k = keys.find((f) => keyOf(f, row) !== undefined) ?? 'id';
  return `${keyLabel(k, row)}${k !== 'id' && row.id ? ` (id ${String(row.id)})` : ''}`;
}
