import { detach } from './detach.js';

/** The most distinct values a field's values are held once for: past that, a field of names or ids, where repeats are rare. */
const PER_FIELD = 1024;
/** Longer values are never held once (a repeated one is rare and the table would hold much). */
const LONGEST = 64;

/**
 * Repeated values held once (issue 22 goal 4, a plan's records in bounded memory): every record read
 * or listed has its own copy of each value, and a million people share a few company ids, statuses,
 * departments and places — each copy 24 bytes or more. `value` gives the one copy kept of a field's
 * value; a field that shows more than PER_FIELD distinct values is given up (its table dropped), so
 * the tables stay small whatever the input.
 */
export class Interner {
  private readonly fields = new Map<string, Map<string, string> | null>();

  /** `value` of `field`, as the one copy kept of it (a copy of its own, holding no larger text alive). */
  value<T>(field: string, value: T): T {
    if (typeof value !== 'string' || value.length > LONGEST) return value;
    let seen = this.fields.get(field);
    if (seen === null) return value;
    if (seen === undefined) this.fields.set(field, (seen = new Map()));
    const kept = seen.get(value);
    if (kept !== undefined) return kept as T;
    if (seen.size >= PER_FIELD) {
      this.fields.set(field, null);
      return value;
    }
    const own = detach(value);
    seen.set(own, own);
    return own as T;
  }

  /** Every string value of `values` replaced by its one copy, in place. */
  all<V>(values: Record<string, V>, prefix = ''): void {
    for (const field in values) {
      const value = values[field];
      if (typeof value === 'string') values[field] = this.value(prefix + field, value);
    }
  }
}
