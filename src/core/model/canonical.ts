import type { Entity } from './entities.js';

/** A cell value as read from a file: CSV cells are strings; JSON keeps its own scalar and array types. */
export type RawValue = string | number | boolean | null | RawValue[] | { [key: string]: RawValue };

/** A Springest-style approver: someone who can see (and maybe approve) a user's bookings. */
export interface Approver {
  email: string;
  label?: string;
  canApprove?: boolean;
}

export type FieldValue = string | boolean | string[] | Approver[];

/**
 * Canonical values of one record, keyed by canonical field name. A key set to null was blank in the
 * input (the column is there, the cell is empty); a missing key means the input has no such column.
 * The difference matters: a blank cell leaves a target's value alone unless asked to clear it.
 */
export type CanonicalValues = Record<string, FieldValue | null>;

export interface CanonicalRecord {
  entity: Entity;
  file: string;
  line: number;
  values: CanonicalValues;
  /** The row as read, in the input's own columns (for failed-rows files). */
  source: Record<string, RawValue>;
  /** Field → the value as written, where a value lookup of the mapping file changed it. */
  mapped?: Record<string, string>;
}

/**
 * `record` with other values: a new record, the same in all else. (Not `{ ...record }`: a record kept on
 * disk reads its values, row and mapped values back through getters, which a spread does not copy.)
 */
export function withValues(record: CanonicalRecord, values: CanonicalValues): CanonicalRecord {
  const mapped = record.mapped;
  return { entity: record.entity, file: record.file, line: record.line, values, source: record.source, ...(mapped ? { mapped } : {}) };
}
