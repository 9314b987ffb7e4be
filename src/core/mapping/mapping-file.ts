import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import { resolveEncoding } from '../../io/decode.js';
import { parseDelimiterOption } from '../../io/delimiter.js';
import { readLookupTable } from '../../io/lookup-table.js';
import { ENTITIES, type Entity } from '../model/entities.js';
import { FIELDS, isCustomField } from '../model/fields.js';
import { closest } from '../../shared/closest.js';
import { protoKeyPath, protoKeyRefused } from '../../shared/proto-key.js';
import { normaliseHeader } from './headers.js';
import { compileTransform, lookupKey, type Transform } from './transforms.js';

const entityMappingSchema = z.strictObject({
  /** Source column → canonical field; null ignores the column without a warning. */
  columns: z.record(z.string(), z.string().nullable()).optional(),
  /** Values for fields that are absent or blank in the input. */
  defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Field → transform name(s), applied in order: trim, lower, upper, date:FORMAT. */
  transforms: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  /** Field → a value lookup: source value → target value, inline (`map`) or from a two-column table (`file`). */
  values: z
    .record(
      z.string(),
      z
        .strictObject({
          map: z.record(z.string(), z.string()).optional(),
          file: z.string().optional(),
          unmapped: z.enum(['keep', 'error']).optional(),
        })
        .refine((v) => v.map !== undefined || v.file !== undefined, { error: 'give "map" (source value → target value) or "file" (a two-column CSV or XLSX)' }),
    )
    .optional(),
});

/** How the files this mapping is for are read: what a command line's own options would say, which win. */
const inputSchema = z.strictObject({
  /** An encoding label, as for the command line (windows-1252, latin1, utf-16le …). */
  encoding: z.string().optional(),
  /** The CSV delimiter: one character, or "tab". */
  delimiter: z.string().optional(),
  /** A workbook's sheet, by name. */
  sheet: z.string().optional(),
});

export const mappingFileSchema = z.strictObject({
  input: inputSchema.optional(),
  users: entityMappingSchema.optional(),
  companies: entityMappingSchema.optional(),
  groups: entityMappingSchema.optional(),
  delegates: entityMappingSchema.optional(),
  authorisations: entityMappingSchema.optional(),
  awards: entityMappingSchema.optional(),
  jobroles: entityMappingSchema.optional(),
});

/** A value lookup for one field: source values (trimmed, ignoring case) → target values ("" is blank). */
export interface ValueLookup {
  table: Map<string, string>;
  /** What a value with no entry does: passes through (the rules then judge it), or is an error. */
  unmapped: 'keep' | 'error';
  /** Where the table comes from, for messages: "company-map.csv" or "map.json". */
  source: string;
}

/** A mapping for one entity, checked and compiled. */
export interface EntityMapping {
  /** Source column → canonical field name (null: ignore). */
  columns: Map<string, string | null>;
  defaults: Map<string, string | number | boolean>;
  transforms: Map<string, Transform[]>;
  values: Map<string, ValueLookup>;
}

/** The rows of the value tables a mapping names in `file`, by the name as written there. */
export type ValueTables = Map<string, Array<{ from: string; to: string; line: number }>>;

export type Mapping = Partial<Record<Entity, EntityMapping>>;

/** A mapping file's `input` section, checked: the encoding by its canonical name, the delimiter as one character. */
export interface MappingInput {
  encoding?: string;
  delimiter?: string;
  sheet?: string;
}

/** A mapping file, loaded: its mapping, and how its files are read. */
export interface MappingFile {
  mapping: Mapping;
  input: MappingInput;
}

/** Resolves a field name as written in a mapping file ("externalid", "external_id" → "externalId"). */
function resolveField(entity: Entity, name: string, where: string): string {
  if (isCustomField(name.trim())) return name.trim(); // custom.<name>: a platform custom field, as written
  const key = normaliseHeader(name);
  const def = FIELDS[entity].find((d) => normaliseHeader(d.name) === key);
  if (def) return def.name;
  const suggestion = closest(name, FIELDS[entity].map((d) => d.name), normaliseHeader);
  throw new UsageError(
    `${where}: "${name}" is not a ${entity} field${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    `${entity} fields: ${FIELDS[entity].map((d) => d.name).join(', ')}`,
  );
}

/** Checks a parsed mapping document and compiles its transforms. `source` names the file in errors; `tables` holds the value tables it names, already read. */
export function compileMapping(document: unknown, source: string, tables: ValueTables = new Map()): Mapping {
  return compileMappingFile(document, source, tables).mapping;
}

/** A mapping file's `input` section, checked as the command line's options are; errors name the file and the key. */
function compileInput(input: z.infer<typeof inputSchema> | undefined, source: string): MappingInput {
  const out: MappingInput = {};
  if (input?.encoding !== undefined) {
    try {
      out.encoding = resolveEncoding(input.encoding);
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(`${source}: input.encoding: ${error.message}`, error.hint);
      throw error;
    }
  }
  if (input?.delimiter !== undefined) {
    const delimiter = parseDelimiterOption(input.delimiter);
    if (!delimiter) throw new UsageError(`${source}: input.delimiter: one character (or "tab"), not "${input.delimiter}"`, 'e.g. delimiter: ";" or delimiter: tab');
    out.delimiter = delimiter;
  }
  if (input?.sheet !== undefined) out.sheet = input.sheet;
  return out;
}

/** compileMapping, and the file's `input` section: how the files it is for are read. */
export function compileMappingFile(document: unknown, source: string, tables: ValueTables = new Map()): MappingFile {
  const proto = protoKeyPath(document);
  if (proto) throw new UsageError(protoKeyRefused(source, proto));
  const parsed = mappingFileSchema.safeParse(document);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const path = first.path.join('.');
    throw new UsageError(
      `${source}: ${path ? `${path}: ` : ''}${first.message}`,
      'a mapping file looks like {"users": {"columns": {"Personeelsnummer": "externalId"}, "defaults": {"country": "Netherlands"}, "transforms": {"dateOfBirth": "date:dd-mm-yyyy"}}}',
    );
  }
  const input = compileInput(parsed.data.input, source);
  const mapping: Mapping = {};
  for (const entity of ENTITIES) {
    const spec = parsed.data[entity];
    if (!spec) continue;
    const columns = new Map<string, string | null>();
    for (const [column, field] of Object.entries(spec.columns ?? {}))
      columns.set(column, field === null || field === '' ? null : resolveField(entity, field, `${source}: ${entity}.columns.${column}`));
    const defaults = new Map<string, string | number | boolean>();
    for (const [field, value] of Object.entries(spec.defaults ?? {}))
      defaults.set(resolveField(entity, field, `${source}: ${entity}.defaults`), value);
    const transforms = new Map<string, Transform[]>();
    for (const [field, names] of Object.entries(spec.transforms ?? {})) {
      const where = `${source}: ${entity}.transforms.${field}`;
      const list = (Array.isArray(names) ? names : [names]).map((n) => {
        try {
          return compileTransform(n);
        } catch (error) {
          if (error instanceof UsageError) throw new UsageError(`${where}: ${error.message}`, error.hint);
          throw error;
        }
      });
      transforms.set(resolveField(entity, field, where), list);
    }
    const values = new Map<string, ValueLookup>();
    for (const [field, spec2] of Object.entries(spec.values ?? {})) {
      const where = `${source}: ${entity}.values.${field}`;
      const table = new Map<string, string>();
      const from = new Map<string, string>();
      const add = (value: string, target: string, at: string) => {
        const key = lookupKey(value);
        if (table.has(key) && table.get(key) !== target) throw new UsageError(`${where}: "${value}" maps to "${table.get(key)}" (${from.get(key)}) and to "${target}" (${at})`, 'give each source value one target');
        table.set(key, target);
        from.set(key, at);
      };
      if (spec2.file !== undefined) {
        const rows = tables.get(spec2.file);
        if (!rows) throw new UsageError(`${where}: the value table ${spec2.file} was not read`);
        for (const row of rows) add(row.from, row.to, `${spec2.file}:${row.line}`);
      }
      for (const [value, target] of Object.entries(spec2.map ?? {})) add(value, target, source);
      values.set(resolveField(entity, field, where), { table, unmapped: spec2.unmapped ?? 'keep', source: spec2.file ?? source });
    }
    mapping[entity] = { columns, defaults, transforms, values };
  }
  return { mapping, input };
}

/** Loads --map FILE (JSON, or YAML for .yaml and .yml) and its `input` section. Any problem with it is a usage error naming the file. */
export async function loadMapping(path: string, cwd?: string): Promise<MappingFile> {
  let text: string;
  try {
    text = await readFile(cwd ? resolve(cwd, path) : path, 'utf8');
  } catch {
    throw new UsageError(`mapping file ${path} cannot be read`);
  }
  // JSON, or YAML (.yaml, .yml: what `hrsync map init` writes, with its comments).
  const yaml = /\.ya?ml$/i.test(path);
  let document: unknown;
  try {
    document = yaml ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(`mapping file ${path} is not valid ${yaml ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Value tables named in the file: read relative to the mapping file, before it is compiled.
  const tables: ValueTables = new Map();
  const parsed = mappingFileSchema.safeParse(document);
  if (parsed.success)
    for (const entity of ENTITIES)
      for (const spec of Object.values(parsed.data[entity]?.values ?? {}))
        if (spec.file !== undefined && !tables.has(spec.file)) {
          const where = resolve(dirname(cwd ? resolve(cwd, path) : resolve(path)), spec.file);
          tables.set(spec.file, await readLookupTable(where, spec.file));
        }
  return compileMappingFile(document, path, tables);
}
