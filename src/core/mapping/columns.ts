import type { Entity } from '../model/entities.js';
import { CUSTOM_PREFIX, customField, FIELDS, isCustomField, type FieldDef } from '../model/fields.js';
import { closest } from '../../shared/closest.js';
import { normaliseHeader } from './headers.js';
import type { EntityMapping } from './mapping-file.js';

/** Alias (normalised header) → field, per entity. */
const ALIAS_INDEX: Record<Entity, Map<string, FieldDef>> = Object.fromEntries(
  Object.entries(FIELDS).map(([entity, defs]) => {
    const index = new Map<string, FieldDef>();
    for (const def of defs) {
      index.set(normaliseHeader(def.name), def);
      for (const alias of def.aliases) if (!index.has(normaliseHeader(alias))) index.set(normaliseHeader(alias), def);
    }
    return [entity, index];
  }),
) as Record<Entity, Map<string, FieldDef>>;

export interface ColumnMap {
  entity: Entity;
  /** Source column → the field it fills, in column order. */
  mapped: Array<{ column: string; field: FieldDef }>;
  /** Columns no alias or mapping matches, with a suggestion where one is close. */
  unknown: Array<{ column: string; suggestion?: string }>;
  /** A second column for a field already filled by an earlier (or explicitly mapped) column. */
  shadowed: Array<{ column: string; field: string; winner: string }>;
}

/** The field a header names for an entity, by alias only. */
export function fieldForHeader(entity: Entity, header: string): FieldDef | undefined {
  return ALIAS_INDEX[entity].get(normaliseHeader(header));
}

/**
 * Decides which column fills which canonical field: an explicit mapping first (exact column name,
 * else the same name ignoring case and punctuation), then the built-in aliases. One column per field.
 */
export function mapColumns(entity: Entity, columns: readonly string[], mapping?: EntityMapping): ColumnMap {
  const explicit = new Map<string, string | null>();
  if (mapping) {
    const byNormal = new Map([...mapping.columns].map(([k, v]) => [normaliseHeader(k), v] as const));
    for (const column of columns) {
      if (mapping.columns.has(column)) explicit.set(column, mapping.columns.get(column)!);
      else if (byNormal.has(normaliseHeader(column))) explicit.set(column, byNormal.get(normaliseHeader(column))!);
    }
  }
  const defs = FIELDS[entity];
  const owner = new Map<string, string>(); // field → column
  const result: ColumnMap = { entity, mapped: [], unknown: [], shadowed: [] };
  // Explicit mappings claim their fields before aliases do.
  for (const [column, field] of explicit) if (field && !owner.has(field)) owner.set(field, column);
  for (const column of columns) {
    // The column `validate --annotate` adds: the file HR fixed and sends back reads as if it were not there.
    if (normaliseHeader(column) === 'hrsyncerrors') continue;
    let def: FieldDef | undefined;
    if (explicit.has(column)) {
      const field = explicit.get(column);
      if (!field) continue; // mapped to null: ignore quietly
      def = defs.find((d) => d.name === field) ?? (isCustomField(field) ? customField(field.slice(CUSTOM_PREFIX.length)) : undefined);
    } else {
      // CF_<name> (or custom.<name>, as hrsync exports it): a platform custom field, passed through as custom.<name>.
      const custom = /^(?:CF_|custom\.)(.+)$/i.exec(column.trim());
      def = custom ? customField(custom[1]!) : fieldForHeader(entity, column);
      if (!def) {
        const aliases = defs.flatMap((d) => [d.name, ...d.aliases]);
        const near = closest(column, aliases, normaliseHeader);
        const suggestion = near ? defs.find((d) => d.name === near || d.aliases.includes(near))?.name : undefined;
        result.unknown.push(suggestion ? { column, suggestion } : { column });
        continue;
      }
    }
    if (!def) continue;
    const current = owner.get(def.name);
    if (current !== undefined && current !== column) {
      result.shadowed.push({ column, field: def.name, winner: current });
      continue;
    }
    owner.set(def.name, column);
    result.mapped.push({ column, field: def });
  }
  return result;
}
