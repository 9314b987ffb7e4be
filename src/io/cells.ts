import type { Approver, FieldValue, RawValue } from '../core/model/canonical.js';

/** A value as read from an input (a cell, or a JSON value) as text: blank for none, JSON for an object. */
export function rawText(value: RawValue | undefined): string {
  return value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A canonical value as one CSV cell: lists joined with ;, approvers as email:Label, booleans as true/false. */
export function cellText(value: FieldValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  return (value as Array<string | Approver>).map((v) => (typeof v === 'string' ? v : v.label ? `${v.email}:${v.label}` : v.email)).join(';');
}

export interface RecordWriter {
  write(rows: Array<Record<string, FieldValue | null>>): Promise<void>;
  /** Finishes the output: a file appears under its final name only now. */
  commit(): Promise<void>;
  /** Drops a partial file: nothing is left under the final name. */
  abort(): Promise<void>;
}
