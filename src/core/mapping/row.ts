import type { RawRecord } from '../../io/types.js';
import type { Approver, CanonicalRecord, CanonicalValues, FieldValue, RawValue } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import { fieldDef, type FieldDef } from '../model/fields.js';
import { type Hint, type Issue, quote, valueText } from '../model/issues.js';
import type { ColumnMap } from './columns.js';
import type { EntityMapping } from './mapping-file.js';
import { isValidDate, lookupKey } from './transforms.js';
import { unneutralise } from '../../io/formula.js';
import { timeZoneHint, timeZoneName } from '../lifecycle/calendar.js';


const TRUE = new Set(['true', 'yes', 'y', '1', 'on', 'ja', 'j']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', 'nee']);
const LIST_SEPARATOR = /[;,|]/;

export function parseBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The digit at `i` as a number, or NaN. */
const digit = (value: string, i: number): number => {
  const d = value.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};

/** An ISO date (a date-time is cut to its date), or undefined. */
export function parseIsoDate(value: string): string | undefined {
  // The common case, yyyy-mm-dd exactly, read digit by digit: no regex match, no substring.
  if (value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
    const year = digit(value, 0) * 1000 + digit(value, 1) * 100 + digit(value, 2) * 10 + digit(value, 3);
    const month = digit(value, 5) * 10 + digit(value, 6);
    const day = digit(value, 8) * 10 + digit(value, 9);
    if (year === year && month === month && day === day) return isValidDate(year, month, day) ? value : undefined;
  }
  const m = ISO_DATE.exec(value.trim());
  if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** A guess at the date format a value is written in, for the hint of an invalid date. */
function dateHint(field: string, value: string): Hint {
  const example = /^\d{1,2}([/.-])\d{1,2}\1\d{4}/.exec(value.trim());
  const format = example ? `dd${example[1]}mm${example[1]}yyyy` : 'dd-mm-yyyy';
  return { text: `write dates as yyyy-mm-dd, or read this format with a {option} file: {"transforms": {"${field}": "date:${format}"}}`, option: 'map' };
}

function parseApprovers(raw: RawValue): Approver[] {
  const items: Approver[] = [];
  const list = Array.isArray(raw) ? raw : String(raw).split(/[;|]/);
  for (const item of list) {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const o = item as Record<string, RawValue>;
      const approver: Approver = { email: String(o.email ?? '').trim() };
      if (o.label !== undefined && o.label !== null) approver.label = String(o.label).trim();
      const can = o.can_approve ?? o.canApprove;
      if (typeof can === 'boolean') approver.canApprove = can;
      items.push(approver);
      continue;
    }
    const text = String(item ?? '').trim();
    if (!text) continue;
    const colon = text.indexOf(':');
    items.push(colon === -1 ? { email: text } : { email: text.slice(0, colon).trim(), label: text.slice(colon + 1).trim() });
  }
  return items;
}

function toText(raw: RawValue): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return JSON.stringify(raw);
}

interface Context {
  entity: Entity;
  file: string;
  line: number;
  issues: Issue[];
  /** Field → the value as written, for fields a value lookup changed. */
  mapped?: Record<string, string>;
}

/**
 * A value through its field's lookup: the target value ("" is blank), the value unchanged when the
 * table has no entry — or undefined, with an issue, when the field's lookup says unmapped values are
 * errors.
 */
function lookUp(ctx: Context, field: string, text: string, mapping: EntityMapping | undefined): string | undefined {
  const lookup = mapping?.values.get(field);
  if (!lookup || text === '') return text;
  const target = lookup.table.get(lookupKey(text));
  if (target !== undefined) {
    if (target !== text) ctx.mapped = { ...ctx.mapped, [field]: ctx.mapped?.[field] ? `${ctx.mapped[field]};${text}` : text };
    return target;
  }
  if (lookup.unmapped === 'keep') return text;
  ctx.issues.push({
    file: ctx.file, line: ctx.line, entity: ctx.entity, field, value: valueText(text), code: 'unmapped_value', severity: 'error',
    message: `${field} ${quote(text)} has no entry in the value table ${lookup.source}`,
    hint: `add a line for ${quote(text)} to ${lookup.source}, or remove "unmapped": "error" to let such values through`,
  });
  return undefined;
}

/** Each item of a list through its field's lookup; undefined when one of them is an error. */
function lookUpAll(ctx: Context, field: string, items: string[], mapping: EntityMapping | undefined): string[] | undefined {
  const out: string[] = [];
  for (const item of items) {
    const value = lookUp(ctx, field, item, mapping);
    if (value === undefined) return undefined;
    if (value !== '') out.push(value);
  }
  return out;
}

function issue(ctx: Context, field: string, value: unknown, code: Issue['code'], message: string, hint: Hint | null = null): void {
  ctx.issues.push({ file: ctx.file, line: ctx.line, entity: ctx.entity, field, value: valueText(value), code, message, severity: 'error', hint });
}

/** Converts one raw value to its field's kind; undefined when it cannot (an issue is recorded). */
function convert(ctx: Context, def: FieldDef, raw: RawValue, mapping?: EntityMapping): FieldValue | null | undefined {
  if (raw === null || raw === undefined) return null;
  if (Array.isArray(raw) && def.kind !== 'list' && def.kind !== 'approvers') raw = raw.map(toText).join(';');
  if (def.kind === 'approvers') {
    const approvers = parseApprovers(raw);
    return approvers.length ? approvers : null;
  }
  if (def.kind === 'list' && Array.isArray(raw)) {
    const list = lookUpAll(ctx, def.name, raw.map((v) => toText(v).trim()).filter(Boolean), mapping);
    return list === undefined ? undefined : list.length ? list : null;
  }
  if (def.kind === 'boolean' && typeof raw === 'boolean') return raw;
  let text = toText(raw).trim();
  const transforms = mapping?.transforms.get(def.name);
  if (transforms)
    for (const transform of transforms) {
      if (text === '') break;
      const out = transform(text);
      if (!out.ok) {
        issue(ctx, def.name, text, 'invalid_date', `${def.name} ${quote(text)} is not a date in the form ${out.expected}`);
        return undefined;
      }
      text = out.value;
    }
  if (text === '') return null;
  if (def.kind === 'list') {
    const list = lookUpAll(ctx, def.name, text.split(LIST_SEPARATOR).map((s) => s.trim()).filter(Boolean), mapping);
    return list === undefined ? undefined : list.length ? list : null;
  }
  const looked = lookUp(ctx, def.name, text, mapping);
  if (looked === undefined) return undefined;
  text = looked;
  if (text === '') return null;
  switch (def.kind) {
    case 'string':
    case 'email':
      return text;
    case 'boolean': {
      const b = parseBoolean(text);
      if (b === undefined) issue(ctx, def.name, text, 'invalid_boolean', `${def.name} ${quote(text)} is not true or false`, 'use true/false, yes/no or 1/0');
      return b;
    }
    case 'timeZone': {
      const zone = timeZoneName(text);
      if (zone === undefined) issue(ctx, def.name, text, 'invalid_time_zone', `${def.name} ${quote(text)} is not a time zone`, timeZoneHint(text));
      return zone;
    }
    case 'date': {
      const d = parseIsoDate(text);
      if (d === undefined) issue(ctx, def.name, text, 'invalid_date', `${def.name} ${quote(text)} is not a valid date (expected yyyy-mm-dd)`, dateHint(def.name, text));
      return d;
    }
  }
}

/**
 * Whether every value mapped from a record comes from text the reader found free of control characters:
 * a value from a value table or a mapping default does not, so then the values are tested one by one.
 */
export function fromCleanText(record: RawRecord, mapping: EntityMapping | undefined): boolean {
  return record.clean === true && (!mapping || (mapping.values.size === 0 && mapping.defaults.size === 0));
}

/**
 * How a CSV file's records are mapped, made once per column map: which cell each mapped column is, and
 * a maker of the values object. A loop storing fields by a variable name is V8's slowest store (a
 * generic keyed store, tens of nanoseconds each: a sixth of validation's time at a million rows); an
 * object literal with the names written in it is built at once, in its final shape. So the maker is
 * made from the field names as code — each name a JSON string literal, never code — and where code
 * cannot be made from strings (node --disallow-code-generation-from-strings) the plain loop is used.
 */
interface CellPlan {
  index: ReadonlyMap<string, number>;
  cells: Int32Array;
  /** The values object from each mapped field's value (undefined: left out), in column order. */
  make: ((values: ReadonlyArray<FieldValue | null | undefined>) => CanonicalValues) | undefined;
  /** Each mapped field's converted value, reused row after row. */
  scratch: Array<FieldValue | null | undefined>;
}

const PLANS = new WeakMap<ColumnMap, CellPlan>();

function planOf(columns: ColumnMap, index: ReadonlyMap<string, number>): CellPlan {
  let plan = PLANS.get(columns);
  if (!plan || plan.index !== index) {
    const cells = Int32Array.from(columns.mapped, ({ column }) => index.get(column) ?? -1);
    plan = { index, cells, make: valuesMaker(columns.mapped.map(({ field }) => field.name)), scratch: [] };
    PLANS.set(columns, plan);
  }
  return plan;
}

function valuesMaker(names: string[]): CellPlan['make'] {
  // A name the literal would read otherwise (__proto__ sets the prototype), or one twice: the loop.
  if (new Set(names).size !== names.length || names.includes('__proto__')) return undefined;
  try {
    return new Function('v', `return {${names.map((name, k) => `${JSON.stringify(name)}: v[${k}]`).join(', ')}};`) as CellPlan['make'];
  } catch {
    return undefined;
  }
}

/** One cell converted to its field's kind (see convert). */
function mapCell(ctx: Context, i: number, cells: readonly string[], field: FieldDef, mapping: EntityMapping | undefined): FieldValue | null | undefined {
  return convert(ctx, field, i < 0 ? null : unneutralise(cells[i] ?? ''), mapping);
}

/** A record's values, field by field: a CSV record's cells by index, another's values by column name. */
function mapOneByOne(ctx: Context, record: RawRecord, columns: ColumnMap, plan: CellPlan | undefined, mapping: EntityMapping | undefined): CanonicalValues {
  const values: CanonicalValues = {};
  const { mapped } = columns;
  if (plan)
    for (let k = 0; k < mapped.length; k++) {
      const value = mapCell(ctx, plan.cells[k]!, record.cells!, mapped[k]!.field, mapping);
      if (value !== undefined) values[mapped[k]!.field.name] = value;
    }
  else
    for (const { column, field } of mapped) {
      const value = convert(ctx, field, record.values[column] ?? null, mapping);
      if (value !== undefined) values[field.name] = value;
    }
  return values;
}

/** A CSV record's values, made in one go; a field whose value could not be converted is left out, as the loop leaves it. */
function mapCells(ctx: Context, plan: CellPlan, make: NonNullable<CellPlan['make']>, cells: readonly string[], mapped: ColumnMap['mapped'], mapping: EntityMapping | undefined): CanonicalValues {
  const { scratch } = plan;
  let missing = false;
  for (let k = 0; k < mapped.length; k++) {
    const value = mapCell(ctx, plan.cells[k]!, cells, mapped[k]!.field, mapping);
    if (value === undefined) missing = true;
    scratch[k] = value;
  }
  const values = make(scratch);
  if (missing) for (let k = 0; k < mapped.length; k++) if (scratch[k] === undefined) delete values[mapped[k]!.field.name];
  return values;
}

const NO_SOURCE: Record<string, RawValue> = Object.freeze({}) as Record<string, RawValue>;

/**
 * Maps one raw record onto canonical fields: columns by the column map, values converted to their
 * field's kind (dates to yyyy-mm-dd, booleans, lists), mapping-file transforms and defaults applied.
 * A value that cannot be converted is left out and reported in `issues`. A CSV record's cells are
 * read by index, never through an object by column name. `withSource: false` leaves the record's
 * `source` empty (validation never reads it; import does).
 */
export function mapRecord(record: RawRecord, columns: ColumnMap, mapping: EntityMapping | undefined, issues: Issue[], withSource = true): CanonicalRecord {
  const ctx: Context = { entity: columns.entity, file: record.file, line: record.line, issues };
  const plan = record.cells && record.columnIndex ? planOf(columns, record.columnIndex) : undefined;
  const values = plan?.make ? mapCells(ctx, plan, plan.make, record.cells!, columns.mapped, mapping) : mapOneByOne(ctx, record, columns, plan, mapping);
  if (mapping)
    for (const [field, value] of mapping.defaults) {
      if (values[field] !== undefined && values[field] !== null) continue;
      const converted = convert(ctx, fieldDef(columns.entity, field)!, value, mapping);
      if (converted !== undefined) values[field] = converted;
    }
  const canonical: CanonicalRecord = { entity: columns.entity, file: record.file, line: record.line, values, source: withSource ? record.values : NO_SOURCE };
  if (ctx.mapped) canonical.mapped = ctx.mapped;
  return canonical;
}
