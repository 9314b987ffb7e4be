import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import { ENTITIES, type Entity } from '../model/entities.js';
import { FIELDS } from '../model/fields.js';
import { closest } from '../../shared/closest.js';
import { normaliseHeader } from './headers.js';
import { compileTransform, type Transform } from './transforms.js';

const entityMappingSchema = z.strictObject({
  /** Source column → canonical field; null ignores the column without a warning. */
  columns: z.record(z.string(), z.string().nullable()).optional(),
  /** Values for fields that are absent or blank in the input. */
  defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Field → transform name(s), applied in order: trim, lower, upper, date:FORMAT. */
  transforms: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
});

export const mappingFileSchema = z.strictObject({
  users: entityMappingSchema.optional(),
  companies: entityMappingSchema.optional(),
  groups: entityMappingSchema.optional(),
});

/** A mapping for one entity, checked and compiled. */
export interface EntityMapping {
  /** Source column → canonical field name (null: ignore). */
  columns: Map<string, string | null>;
  defaults: Map<string, string | number | boolean>;
  transforms: Map<string, Transform[]>;
}

export type Mapping = Partial<Record<Entity, EntityMapping>>;

/** Resolves a field name as written in a mapping file ("externalid", "external_id" → "externalId"). */
function resolveField(entity: Entity, name: string, where: string): string {
  const key = normaliseHeader(name);
  const def = FIELDS[entity].find((d) => normaliseHeader(d.name) === key);
  if (def) return def.name;
  const suggestion = closest(name, FIELDS[entity].map((d) => d.name), normaliseHeader);
  throw new UsageError(
    `${where}: "${name}" is not a ${entity} field${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    `${entity} fields: ${FIELDS[entity].map((d) => d.name).join(', ')}`,
  );
}

/** Checks a parsed mapping document and compiles its transforms. `source` names the file in errors. */
export function compileMapping(document: unknown, source: string): Mapping {
  const parsed = mappingFileSchema.safeParse(document);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const path = first.path.join('.');
    throw new UsageError(
      `${source}: ${path ? `${path}: ` : ''}${first.message}`,
      'a mapping file looks like {"users": {"columns": {"Personeelsnummer": "externalId"}, "defaults": {"country": "Netherlands"}, "transforms": {"dateOfBirth": "date:dd-mm-yyyy"}}}',
    );
  }
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
    mapping[entity] = { columns, defaults, transforms };
  }
  return mapping;
}

/** Loads --map FILE (JSON). Any problem with it is a usage error naming the file. */
export async function loadMapping(path: string, cwd?: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(cwd ? resolve(cwd, path) : path, 'utf8');
  } catch {
    throw new UsageError(`mapping file ${path} cannot be read`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`mapping file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return compileMapping(document, path);
}
