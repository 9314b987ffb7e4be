import type { Entity } from './entities.js';

export type Severity = 'error' | 'warning';

export const ISSUE_CODES = [
  // reading
  'encoding', 'unterminated_quote', 'malformed_csv', 'empty_header', 'duplicate_header', 'ragged_row',
  'invalid_json', 'not_an_object', 'no_records', 'too_large', 'too_deep', 'inexact_number', 'duplicate_key', 'excel_error', 'unknown_entity', 'unsupported_entity',
  // mapping
  'unknown_column', 'unused_column', 'ambiguous_column', 'missing_column',
  // values
  'required', 'too_long', 'control_character', 'invisible_character', 'unmapped_value', 'invalid_email', 'invalid_date', 'invalid_boolean', 'invalid_time_zone', 'not_in_list', 'unknown_country', 'one_required',
  // batch
  'duplicate', 'unknown_reference', 'unchecked_reference',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

/** One finding, tied to a place in an input file. This is the shape of `issues[]` in JSON output. */
export interface Issue {
  file: string;
  /** Physical line (header = 1). */
  line: number;
  entity: Entity | null;
  /** Canonical field name, or null for an issue about the whole row or file. */
  field: string | null;
  /** The offending value as read, or null. */
  value: string | null;
  code: IssueCode;
  message: string;
  severity: Severity;
  /** What to do about it, when there is something specific to say. */
  hint: Hint | null;
}

/** An option of hrsync's that a hint names (the mapping file, the input's encoding, the entity): the CLI words it as its flag. */
export type HintOption = 'map' | 'encoding' | 'entity';

/** What to do about an issue: words, or words naming one of hrsync's options where `{option}` stands. */
export type Hint = string | { text: string; option: HintOption };

const MAX_SHOWN = 60;

/** Quotes a value for a message, shortened so one bad cell cannot flood a terminal. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\r\n|\r|\n/g, '⏎');
  return `"${flat.length > MAX_SHOWN ? `${flat.slice(0, MAX_SHOWN - 1)}…` : flat}"`;
}

export function valueText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
