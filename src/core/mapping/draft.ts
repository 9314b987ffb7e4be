import type { RawValue } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import { CUSTOM_PREFIX, FIELDS } from '../model/fields.js';
import { closestField, recogniseHeader } from './columns.js';
import { normaliseHeader } from './headers.js';
import { parseIsoDate } from './row.js';
import { LANGUAGE_NAMES, type ValueTest } from './synonyms.js';
import { compileTransform } from './transforms.js';

/**
 * A first mapping file for a file's header (`hrsync map init`): each column placed on a field where
 * hrsync can tell which, with how it knew; the others with the field they may be, for a person to
 * decide. A few rows are read to settle what the header alone cannot: a "Manager" column of e-mail
 * addresses, a "Statut" of active / inactive, the order of day and month in the dates.
 */
export interface DraftColumn {
  column: string;
  /** The field it fills; null: not placed (written commented out, for a person to decide). */
  field: string | null;
  /** How it was recognised, or why it was not. */
  note: string;
  /** Not placed: the field it may be. */
  suggestion?: string;
  /** Placed, but another column was placed on the same field first: written as null, to be decided. */
  conflict?: string;
}

export interface DraftTransform {
  field: string;
  format: string;
  note: string;
}

export interface MappingDraft {
  entity: Entity;
  columns: DraftColumn[];
  transforms: DraftTransform[];
  /** Field → source value → target value (a status in the HR system's language). */
  values: Array<{ field: string; map: Record<string, string>; note: string }>;
  /** How the file was read, where it is not the default (an encoding, a delimiter, a sheet): the mapping file's `input` section. */
  input?: DraftInput[];
}

export interface DraftInput {
  key: 'encoding' | 'delimiter' | 'sheet';
  value: string;
  note: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Status words of HR systems in German, French, Dutch, Spanish and English → active or inactive. */
const STATUS_WORDS: Record<string, 'active' | 'inactive'> = Object.fromEntries([
  ...['active', 'aktiv', 'actif', 'active', 'actief', 'activo', 'activa', 'enabled', 'employed', 'beschaftigt', 'in dienst', 'alta', 'en activo', 'yes', 'ja', 'oui', 'si', 'true', '1'].map((w) => [w, 'active' as const]),
  ...['inactive', 'inaktiv', 'inactif', 'inactive', 'inactief', 'inactivo', 'inactiva', 'disabled', 'terminated', 'ausgetreten', 'sorti', 'sortie', 'uit dienst', 'baja', 'de baja', 'no', 'nein', 'non', 'false', '0'].map((w) => [w, 'inactive' as const]),
]);
/** Salutations in German, French, Dutch and Spanish → the English ones platforms take. */
const TITLE_WORDS: Record<string, string> = {
  herr: 'Mr', frau: 'Ms', fraulein: 'Miss', monsieur: 'Mr', m: 'Mr', madame: 'Ms', mme: 'Ms', mademoiselle: 'Miss', mlle: 'Miss', meneer: 'Mr', 'de heer': 'Mr', dhr: 'Mr',
  heer: 'Mr', mevrouw: 'Ms', mevr: 'Ms', mw: 'Ms', senor: 'Mr', sr: 'Mr', 'd': 'Mr', don: 'Mr', senora: 'Ms', sra: 'Ms', 'dna': 'Ms', dona: 'Ms', senorita: 'Miss', srta: 'Miss',
  mr: 'Mr', mrs: 'Mrs', ms: 'Ms', miss: 'Miss', mx: 'Mx', dr: 'Dr', prof: 'Prof', divers: 'Mx',
};
const key = (value: string) => value.trim().toLowerCase().normalize('NFKD').replace(/\p{M}+/gu, '').replace(/\.$/, '');
const statusWord = (value: string) => STATUS_WORDS[key(value)];

/** The non-blank values of a column in the rows read, as text. */
function valuesOf(rows: ReadonlyArray<Record<string, RawValue>>, column: string): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const v = row[column];
    if (v === null || v === undefined || typeof v === 'object') continue;
    const text = String(v).trim();
    if (text) out.push(text);
  }
  return out;
}

function passes(test: ValueTest, values: readonly string[]): boolean {
  if (values.length === 0) return false;
  return test === 'emails' ? values.every((v) => EMAIL.test(v)) : values.every((v) => statusWord(v) !== undefined);
}

/** How a placed column was recognised, in words for its comment. */
function recognisedNote(entity: Entity, column: string): { field: string; note: string } | undefined {
  const custom = /^(?:CF_|custom\.)(.+)$/i.exec(column.trim());
  if (custom) return { field: `${CUSTOM_PREFIX}${custom[1]}`, note: 'a custom field of the platform (CF_ prefix)' };
  const known = recogniseHeader(entity, column);
  if (!known?.def) return undefined;
  const how = known.via === 'name' ? "hrsync's own field name" : known.via === 'alias' ? 'a usual header for it' : `${LANGUAGE_NAMES[known.via]} for ${known.def.description}`;
  return { field: known.def.name, note: `${how.replace(/, yyyy-mm-dd$/, '')}${known.qualified ? ', read without the part in brackets' : ''}` };
}

/** A column no name places: what its values or its spelling suggest. */
function unplaced(entity: Entity, column: string, values: readonly string[], taken: ReadonlySet<string>): DraftColumn {
  const known = recogniseHeader(entity, column);
  if (known?.ambiguity) {
    const { fields, why, test } = known.ambiguity;
    if (test && fields[0] && !taken.has(fields[0]) && passes(test, values))
      return { column, field: fields[0], note: `${why} — its values are ${test === 'emails' ? 'e-mail addresses' : 'account statuses'}` };
    return { column, field: null, note: why, ...(fields[0] ? { suggestion: fields[0] } : {}) };
  }
  if (FIELDS[entity].some((d) => d.name === 'email') && passes('emails', values)) {
    const field = taken.has('email') && FIELDS[entity].some((d) => d.name === 'managerEmail') ? 'managerEmail' : 'email';
    return { column, field: null, note: 'its values are e-mail addresses', suggestion: field };
  }
  const near = closestField(entity, column);
  return near ? { column, field: null, note: 'the closest field by spelling', suggestion: near } : { column, field: null, note: 'no field is close' };
}

/** Places each column (see MappingDraft); `rows` are the first rows of the file, to settle what names cannot. */
export function draftMapping(entity: Entity, columns: readonly string[], rows: ReadonlyArray<Record<string, RawValue>>): MappingDraft {
  const draft: MappingDraft = { entity, columns: [], transforms: [], values: [] };
  const owner = new Map<string, DraftColumn>();
  for (const column of columns) {
    if (normaliseHeader(column) === 'hrsyncerrors') continue;
    const values = valuesOf(rows, column);
    const known = recognisedNote(entity, column);
    const entry: DraftColumn = known ? { column, ...known } : unplaced(entity, column, values, new Set(owner.keys()));
    const winner = entry.field ? owner.get(entry.field) : undefined;
    if (winner && entry.field) {
      winner.note += `; "${column}" could be ${entry.field} too`;
      draft.columns.push({ column, field: null, note: entry.note, conflict: winner.column, suggestion: entry.field });
      continue;
    }
    if (entry.field) owner.set(entry.field, entry);
    draft.columns.push(entry);
  }
  for (const { column, field } of draft.columns) {
    if (!field) continue;
    const def = FIELDS[entity].find((d) => d.name === field);
    if (def?.kind === 'date') {
      const transform = dateFormat(valuesOf(rows, column));
      if (transform) draft.transforms.push({ field, ...transform });
    }
    const words = field === 'status' ? STATUS_WORDS : field === 'title' ? TITLE_WORDS : undefined;
    const lookup = words && wordLookup(words, valuesOf(rows, column));
    if (lookup) draft.values.push({ field, map: lookup, note: `the ${field === 'status' ? 'statuses' : 'salutations'} in the rows read, as platforms take them: check` });
  }
  return draft;
}

/** Date formats tried on a date column whose values are not yyyy-mm-dd: day first before month first. */
const DATE_FORMATS = ['dd.mm.yyyy', 'dd/mm/yyyy', 'dd-mm-yyyy', 'mm/dd/yyyy', 'mm-dd-yyyy', 'yyyy/mm/dd', 'yyyy.mm.dd', 'dd.mm.yy', 'dd/mm/yy', 'dd-mm-yy', 'mm/dd/yy'];

/** The format every value of a date column is in, when it is not ISO; undefined when ISO, unknown or mixed. */
export function dateFormat(values: readonly string[]): { format: string; note: string } | undefined {
  if (values.length === 0 || values.every((v) => parseIsoDate(v) !== undefined)) return undefined;
  const fits = DATE_FORMATS.filter((format) => {
    const transform = compileTransform(`date:${format}`);
    return values.every((v) => transform(v).ok);
  });
  const first = fits[0];
  if (!first) return undefined;
  const other = first.replace(/dd|mm/g, (t) => (t === 'dd' ? 'mm' : 'dd'));
  const swapped = fits.includes(other) ? other : undefined;
  const example = values[0]!;
  return {
    format: first,
    note: swapped
      ? `values such as ${JSON.stringify(example)}: every day was 12 or less in the rows read, so it may be ${swapped} — check`
      : `values such as ${JSON.stringify(example)}`,
  };
}

/** A value lookup when the values are words of the HR system's language (aktiv, inactif, Herr, Mevrouw …); none when they are the platforms' own. */
function wordLookup(words: Record<string, string>, values: readonly string[]): Record<string, string> | undefined {
  const distinct = [...new Set(values)];
  if (distinct.length === 0 || distinct.length > 20 || !distinct.every((v) => words[key(v)] !== undefined)) return undefined;
  const own = new Set(['active', 'inactive', 'enabled', 'disabled', 'true', 'false', 'yes', 'no', '1', '0', 'terminated', 'employed', 'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof']);
  if (distinct.every((v) => own.has(key(v)))) return undefined;
  return Object.fromEntries(distinct.map((v) => [v, words[key(v)]!]));
}

/** A YAML key or value: plain where that reads the same, else double-quoted (JSON's escapes are YAML's). */
function yamlScalar(text: string): string {
  const plain = /^[\p{L}_][\p{L}\p{N} _.()/+-]*$/u.test(text) && !/\s$/.test(text) && !/^(?:y|yes|n|no|true|false|on|off|null|~)$/i.test(text);
  return plain ? text : JSON.stringify(text);
}

/** A comment's text on one line, whatever the header held. */
const commentText = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');

/** An input setting as written: a tab delimiter as "tab". */
const inputValue = (input: DraftInput) => (input.key === 'delimiter' && input.value === '\t' ? 'tab' : input.value);

/** The `input` section in YAML, with a comment per setting; none when the file was read as any file is. */
function inputLines(input: readonly DraftInput[]): string[] {
  if (input.length === 0) return [];
  const entries = input.map((i) => `${i.key}: ${yamlScalar(inputValue(i))}`);
  const width = Math.max(...entries.map((e) => e.length));
  return [
    '# How the files this mapping is for are read (an option given on the command line wins):',
    'input:',
    ...entries.map((entry, k) => `  ${entry.padEnd(width)}  # ${commentText(input[k]!.note)}`),
  ];
}

/**
 * The draft as a mapping file: YAML with a comment beside each column (how it was placed, or what it
 * may be), the columns not placed commented out, under `heading` (comment lines); or JSON (no comments:
 * the columns not placed left out).
 */
export function renderDraft(draft: MappingDraft, format: 'yaml' | 'json', heading: readonly string[] = []): string {
  if (format === 'json') {
    const columns = Object.fromEntries(draft.columns.filter((c) => c.field || c.conflict).map((c) => [c.column, c.field]));
    const transforms = Object.fromEntries(draft.transforms.map((t) => [t.field, `date:${t.format}`]));
    const values = Object.fromEntries(draft.values.map((v) => [v.field, { map: v.map }]));
    const section = { columns, ...(draft.transforms.length ? { transforms } : {}), ...(draft.values.length ? { values } : {}) };
    const input = draft.input?.length ? { input: Object.fromEntries(draft.input.map((i) => [i.key, inputValue(i)])) } : {};
    return `${JSON.stringify({ ...input, [draft.entity]: section }, null, 2)}\n`;
  }
  const lines = [
    ...heading.map((line) => `# ${commentText(line)}`),
    ...inputLines(draft.input ?? []),
    `${draft.entity}:`,
    '  columns:',
  ];
  const placed = draft.columns.filter((c) => c.field || c.conflict);
  const width = Math.min(40, Math.max(0, ...placed.map((c) => yamlScalar(c.column).length + 2 + (c.field ?? 'null').length)));
  for (const c of placed) {
    const entry = `${yamlScalar(c.column)}: ${c.field ?? 'null'}`;
    const note = c.conflict ? `${c.suggestion} too, which "${c.conflict}" fills: write ${c.suggestion} here and null there if this is the one` : c.note;
    lines.push(`    ${entry.padEnd(width)}  # ${commentText(note)}`);
  }
  const rest = draft.columns.filter((c) => !c.field && !c.conflict);
  if (rest.length) {
    lines.push('    # Not placed (ignored until you decide): uncomment a line and set its field, or write null to ignore the column quietly.');
    for (const c of rest) lines.push(`    # ${yamlScalar(c.column)}: ${c.suggestion ?? 'FIELD'}  # ${commentText(c.note)}`);
  }
  if (draft.transforms.length) {
    lines.push('  transforms:');
    for (const t of draft.transforms) lines.push(`    ${t.field}: ${JSON.stringify(`date:${t.format}`)}  # ${commentText(t.note)}`);
  }
  if (draft.values.length) {
    lines.push('  values:');
    for (const v of draft.values) {
      lines.push(`    ${v.field}:  # ${commentText(v.note)}`, '      map:');
      for (const [from, to] of Object.entries(v.map)) lines.push(`        ${yamlScalar(from)}: ${to}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
