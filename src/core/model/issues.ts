import type { Entity } from './entities.js';

export type Severity = 'error' | 'warning';

export const ISSUE_CODES = [
  // reading
  'encoding', 'unterminated_quote', 'malformed_csv', 'empty_header', 'duplicate_header', 'ragged_row',
  'invalid_json', 'not_an_object', 'no_records', 'too_large', 'too_deep', 'inexact_number', 'duplicate_key', 'excel_error', 'skipped_rows', 'unknown_entity', 'unsupported_entity',
  // mapping
  'unknown_column', 'unused_column', 'ambiguous_column', 'missing_column',
  // values
  'required', 'too_long', 'control_character', 'invisible_character', 'unmapped_value', 'invalid_email', 'invalid_date', 'invalid_boolean', 'invalid_time_zone', 'not_in_list', 'unknown_country', 'one_required',
  // batch
  'duplicate', 'unknown_reference', 'unchecked_reference',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

/**
 * Each issue code in plain words, for someone who fixes the HR file rather than the program: what is
 * wrong and what to look for. The text output's readers, the HTML report and the reference page
 * (docs/reference/issue-codes.md) all say it this way.
 */
export const ISSUE_EXPLANATIONS: Readonly<Record<IssueCode, string>> = {
  encoding: 'The file is not saved as UTF-8 text, so some letters cannot be read as written. Save it again as "CSV UTF-8", or tell hrsync which encoding it has (the hint says how).',
  unterminated_quote: 'A value opens a double quote (") that is never closed, so the rest of the file would run into it. Close the quote, or remove the stray one.',
  malformed_csv: 'This line is not valid CSV: usually a stray double quote in the middle of a value. Put the whole value in quotes and double any quote inside it ("").',
  empty_header: 'A column has no name in the header row. Give it a name, or delete the column if it is not needed.',
  duplicate_header: 'Two columns have the same name, so it is not clear which one to use. Rename or remove one of them.',
  ragged_row: 'This row has more or fewer cells than the header has columns: a value probably holds the separator (a comma or semicolon) without quotes, or a cell was shifted.',
  invalid_json: 'The JSON is not valid at this point (a missing comma, bracket or quote). Fix the syntax where the line and column point.',
  not_an_object: 'This line or item is not a record ({ ... }) as every record must be.',
  no_records: 'The file holds no records: it is empty, has only a header, or the workbook has no sheet with data.',
  too_large: 'One record is bigger than 16 MB, far beyond any real HR row: the file is probably damaged or not what it seems.',
  too_deep: 'The record nests objects more than 32 levels deep; HR data is never shaped like that.',
  inexact_number: 'A number is too long to be kept exactly (it would be rounded). Write it as text in quotes: IDs are text.',
  duplicate_key: 'The record names the same field twice; the last value is used. Remove the one that is not meant.',
  excel_error: 'A cell shows an Excel error (#N/A, #DIV/0!, …) or a formula that was never calculated, not a value. Fix the formula or paste the values in.',
  skipped_rows: 'Rows above the header (a title, an export date) were skipped: the header is the first row that names several columns. If it is not, delete the rows above the real header.',
  unknown_entity: 'It cannot be told from the columns whether the file holds users, companies or groups. Say which when you run hrsync (the hint says how).',
  unsupported_entity: 'The target does not take this kind of record from a file.',
  unknown_column: 'A column is not a field hrsync knows, so it will be ignored. If it should be imported, rename it or map it with a mapping file.',
  unused_column: 'The column is a known field, but this platform does not store it: its values will not be sent.',
  ambiguous_column: 'Two columns fill the same field; only the first one is used. Remove or rename the other.',
  missing_column: 'A column the platform needs is missing from the file, so none of its rows can be imported. Add the column (or map an existing one to it).',
  required: 'A value the platform needs is empty in this row. Fill it in.',
  too_long: 'The value is longer than the platform allows. Shorten it.',
  control_character: 'The value holds an invisible control character (often from copying out of another system, or a file read in the wrong encoding). Retype the value.',
  invisible_character: 'The value holds an invisible character (a zero-width space, a non-breaking space, …): it looks right but will not match. Retype the value.',
  unmapped_value: 'The value is not in the mapping file’s list of values to translate, so hrsync does not know what to send. Add it to the mapping, or correct the value.',
  invalid_email: 'The email address is not in a form the platform accepts: check for spaces, a missing or doubled @, a missing domain (name@company.com), or a trailing dot.',
  invalid_date: 'The date is not a real date in the form yyyy-mm-dd (2024-03-31). Dates typed as 31/03/2024 need a date transform in the mapping file.',
  invalid_boolean: 'The value should be yes or no (true/false, 1/0), and is something else.',
  invalid_time_zone: 'The time zone is not one hrsync knows. Use a name such as Europe/Amsterdam or America/New_York.',
  not_in_list: 'The value is not one the platform allows for this field (a fixed list). Use one of the values the message lists; check spelling and spaces.',
  unknown_country: 'The country is not recognised. Use its English name (United Kingdom) or its two-letter code (GB).',
  one_required: 'At least one of these fields must be filled in, and all are empty in this row.',
  duplicate: 'The same person (or company, or group) appears more than once in the files — same ID, external ID or email. Keep one row and remove or correct the others.',
  unknown_reference: 'The row refers to something (a company, a group, a manager) that is neither in the files nor on the platform. Check the spelling or ID, or add it.',
  unchecked_reference: 'References to other records could not be checked: no file holds them and no live platform was asked. Validate against a configured target to check them.',
};

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
