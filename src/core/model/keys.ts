import { FIELDS } from './fields.js';

/**
 * THE rule for comparing key values (match keys, duplicates, references, known records): trimmed,
 * and ignoring case for fields of the email kind — wherever they appear (email, managerEmail,
 * approvers' emails) — and for the names records are matched on (a company's name, a group's
 * label: "Retail" and "retail" are one group). A field name has the same kind in every entity.
 */
const CASE_INSENSITIVE: ReadonlySet<string> = new Set([
  ...Object.values(FIELDS).flatMap((defs) => defs.filter((d) => d.kind === 'email' || d.kind === 'approvers').map((d) => d.name)),
  'name',
  'label',
]);

/** Whether values of this field compare ignoring case. */
export function ignoresCase(field: string): boolean {
  return CASE_INSENSITIVE.has(field);
}

const NON_ASCII = /[^\u0000-\u007f]/;

/** Text in Unicode's composed form (NFC): "é" typed as one character or as e and an accent is one value. */
export function composed(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFC') : text;
}

/** A value of a key field in the form it is compared in: trimmed, composed (NFC), and lower-cased where case is ignored. */
export function keyValue(field: string, value: string): string {
  const trimmed = composed(value.trim());
  return CASE_INSENSITIVE.has(field) ? trimmed.toLowerCase() : trimmed;
}
