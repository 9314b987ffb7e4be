import type { Approver, CanonicalRecord } from '../model/canonical.js';
import { COUNTRY_NAMES, countryCode, normaliseCountry } from '../model/countries.js';
import { FIELDS } from '../model/fields.js';
import { closest } from '../../shared/closest.js';
import { CONTROL_CHARACTER as CONTROL, INVISIBLE_CHARACTER as INVISIBLE } from '../../shared/control-characters.js';
import { detach } from '../../shared/detach.js';
import { type Hint, type Issue, quote, valueText } from '../model/issues.js';
import type { FieldRule, RuleSet, ValueList } from './types.js';
import { EMAIL } from './email.js';

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

/** Each list as one map, lower-cased spelling or alias → listed value, built on first use. */
const LIST_INDEX = new WeakMap<ValueList, Map<string, string>>();
/** Each list's answers for values as written: a file holds a handful of distinct titles or statuses over many rows. */
const LIST_SEEN = new WeakMap<ValueList, Map<string, string | undefined>>();
const SEEN_MAX = 1024;

/** The listed spelling of a value (case-insensitive, aliases applied), or undefined. */
export function matchList(list: ValueList, value: string): string | undefined {
  const seen = LIST_SEEN.get(list);
  const known = seen?.get(value);
  if (known !== undefined || seen?.has(value)) return known;
  let index = LIST_INDEX.get(list);
  if (!index) {
    index = new Map(Object.entries(list.aliases ?? {}));
    for (const v of list.values) index.set(v.toLowerCase(), v);
    LIST_INDEX.set(list, index);
    LIST_SEEN.set(list, new Map());
  }
  const match = index.get(value.trim().toLowerCase());
  const answers = LIST_SEEN.get(list)!;
  // Kept as a detached copy: a CSV cell is a slice of a 64 KB piece of the file.
  if (answers.size < SEEN_MAX) answers.set(detach(value), match);
  return match;
}

function listMessage(list: ValueList): string {
  return list.values.length <= 12 ? `one of ${list.values.join(', ')}` : `a listed value`;
}

const isBlank = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/**
 * A field's rule with every property present, in one order: the per-row loop reads one shape of object
 * (rules as written have a dozen shapes, and a property read across many shapes is a slow one).
 */
interface FlatRule {
  field: string;
  required: boolean;
  maxLength: number | undefined;
  oneOf: ValueList | undefined;
  country: FieldRule['country'];
  lowercase: boolean;
  approverLabels: ValueList | undefined;
}

const flatRule = (field: string, rule: FieldRule): FlatRule => ({
  field,
  required: rule.required === true,
  maxLength: rule.maxLength,
  oneOf: rule.oneOf,
  country: rule.country,
  lowercase: rule.lowercase === true,
  approverLabels: rule.approverLabels,
});

/** A rule set prepared for the per-row loop: no key enumeration or field lookups per record. */
interface Prepared {
  emailFields: string[];
  rules: FlatRule[];
}

const prepared = new WeakMap<RuleSet, Prepared>();
function prepare(rules: RuleSet): Prepared {
  let p = prepared.get(rules);
  if (!p) {
    p = { emailFields: FIELDS[rules.entity].filter((d) => d.kind === 'email').map((d) => d.name), rules: Object.entries(rules.fields).map(([field, rule]) => flatRule(field, rule)) };
    prepared.set(rules, p);
  }
  return p;
}

/** Records an issue of `record` in `issues` (a plain function: a closure per record was an allocation per row). */
function add(issues: Issue[], record: CanonicalRecord, field: string | null, value: unknown, code: Issue['code'], message: string, hint: Hint | null = null, severity: Issue['severity'] = 'error'): void {
  issues.push({ file: record.file, line: record.line, entity: record.entity, field, value: valueText(value), code, message, severity, hint });
}

const codePoint = (ch: string) => `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The first character of a value (or of a list's items) that `pattern` finds, or undefined. */
function firstOf(pattern: RegExp, value: unknown): string | undefined {
  if (typeof value === 'string') return pattern.test(value) ? pattern.exec(value)![0] : undefined;
  if (Array.isArray(value))
    for (const item of value as Array<string | Approver>) {
      const text = typeof item === 'string' ? item : `${item.email}${item.label ?? ''}`;
      if (pattern.test(text)) return pattern.exec(text)![0];
    }
  return undefined;
}

/**
 * A control character in a value is an error; an invisible one (a zero-width space, a bidirectional
 * control, a byte-order mark) a warning: it may be meant (a joiner in a Persian name), but "D3\u200b"
 * looks like "D3" and is another key.
 */
function checkCharacters(issues: Issue[], record: CanonicalRecord, field: string, value: unknown): void {
  if (typeof value !== 'string' && !Array.isArray(value)) return;
  const bad = firstOf(CONTROL, value);
  if (bad !== undefined)
    add(issues, record, field, value, 'control_character', `${field} contains the control character ${codePoint(bad)}, which no platform should store`, bad >= '\u0080' ? { text: 'U+0080 to U+009F usually means the file’s encoding was guessed wrong: try {option}', option: 'encoding' } : 'remove it in the source');
  const unseen = firstOf(INVISIBLE, value);
  if (unseen !== undefined)
    add(issues, record, field, value, 'invisible_character', `${field} ${quote(valueText(value) ?? '')} contains the invisible character ${codePoint(unseen)} (${invisibleName(unseen)}): it looks like the value without it, and is not`, 'remove it in the source, unless it is meant', 'warning');
}

function invisibleName(ch: string): string {
  if (ch === '\ufeff') return 'a byte-order mark';
  if (ch >= '\u200b' && ch <= '\u200d') return 'a zero-width space or joiner';
  if (ch === '\u200e' || ch === '\u200f') return 'a direction mark';
  return 'a bidirectional control';
}

/**
 * Checks one mapped record against a rule set and normalises what the rules define (titles, countries,
 * statuses, lower-cased tags). Mutates `record.values` to the normalised values. References are the
 * batch's job: this sees one record.
 * `columns` are the fields the file supplies (a column or a default): a field the file lacks
 * altogether was reported once for the file, not again on every row. `clean`: every value came from
 * text known to hold no control character (see fromCleanText), so none is tested for one.
 */
export function checkRecord(record: CanonicalRecord, rules: RuleSet, columns: ReadonlySet<string>, issues: Issue[], clean = false): void {
  const { values } = record;
  const { emailFields, rules: fieldRules } = prepare(rules);
  // No platform should store a control character (a NUL, an escape code): line breaks and tabs aside.
  // The hot path: one regex test per string value, nothing allocated unless one is found — or none, for
  // a record whose every value came from CSV text the reader found free of them.
  if (!clean) for (const field in values) checkCharacters(issues, record, field, values[field]);
  // Field kinds every target shares: emails must be valid.
  for (let k = 0; k < emailFields.length; k++) {
    const field = emailFields[k]!;
    const value = values[field];
    if (typeof value === 'string' && !isEmail(value)) add(issues, record, field, value, 'invalid_email', `${field} ${quote(value)} is not a valid email address`);
  }

  for (let k = 0; k < fieldRules.length; k++) {
    const rule = fieldRules[k]!;
    const field = rule.field;
    const value = values[field];
    if (isBlank(value)) {
      if (rule.required && columns.has(field)) add(issues, record, field, null, 'required', `${field} is required but empty`);
      continue;
    }
    if (rule.maxLength !== undefined && typeof value === 'string' && value.length > rule.maxLength)
      add(issues, record, field, value, 'too_long', `${field} ${quote(value)} is ${value.length} characters long; ${rules.name} allows at most ${rule.maxLength}`);
    if (rule.oneOf && typeof value === 'string') {
      const match = matchList(rule.oneOf, value);
      if (match === undefined) {
        const near = closest(value, rule.oneOf.values);
        add(issues, record, field, value, 'not_in_list', `${field} ${quote(value)} is not ${listMessage(rule.oneOf)}`, near ? `did you mean "${near}"?` : null);
      } else if (match !== value) values[field] = match;
    }
    if (rule.country && typeof value === 'string') {
      const name = normaliseCountry(value);
      if (name === undefined) {
        const near = closest(value, COUNTRY_NAMES);
        add(issues, record, field, value, 'unknown_country', `country ${quote(value)} is not a known country`, near ? `did you mean "${near}"?` : 'use a country name such as "United Kingdom" or an ISO code such as GB');
      } else {
        const country = rule.country === 'alpha2' ? countryCode(name)! : name;
        if (country !== value) values[field] = country;
      }
    }
    if (rule.lowercase) {
      if (typeof value === 'string') values[field] = value.toLowerCase();
      else if (Array.isArray(value)) values[field] = (value as string[]).map((v) => v.toLowerCase());
    }
    if (rule.approverLabels && Array.isArray(value)) {
      for (const approver of value as Approver[]) {
        if (!isEmail(approver.email)) add(issues, record, field, approver.email, 'invalid_email', `approver email ${quote(approver.email)} is not a valid email address`);
        if (approver.label !== undefined) {
          const label = matchList(rule.approverLabels, approver.label);
          if (label === undefined) add(issues, record, field, approver.label, 'not_in_list', `approver label ${quote(approver.label)} is not ${listMessage(rule.approverLabels)}`);
          else approver.label = label;
        }
      }
    }
  }

  if (rules.oneRequired) oneRequired(record, rules.oneRequired, columns, issues);
}

/** A group of fields of which one is required: each group the file supplies a column of, all blank, is an issue. */
function oneRequired(record: CanonicalRecord, groups: NonNullable<RuleSet['oneRequired']>, columns: ReadonlySet<string>, issues: Issue[]): void {
  const { values } = record;
  for (const group of groups) {
    if (!group.some((f) => columns.has(f))) continue; // reported once for the file
    if (group.every((f) => isBlank(values[f])))
      add(issues, record, null, null, 'one_required', `${group.join(' or ')} is required: ${group.length === 2 ? 'both are' : 'all are'} empty`);
  }
}
