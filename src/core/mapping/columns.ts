import type { Entity } from '../model/entities.js';
import { CUSTOM_PREFIX, customField, FIELDS, isCustomField, type FieldDef } from '../model/fields.js';
import { closest } from '../../shared/closest.js';
import { normaliseHeader, withoutQualifier } from './headers.js';
import { AMBIGUOUS, SYNONYMS, type Ambiguity, type Language } from './synonyms.js';
import type { EntityMapping } from './mapping-file.js';

/** How a header was recognised: the field's own name, a built-in alias, or an HR system's header in a language. */
export type Via = 'name' | 'alias' | Language;

/** Normalised header → field and how it is known, per entity: names, aliases, then SYNONYMS (the first entry wins). */
const ALIAS_INDEX: Record<Entity, Map<string, { def: FieldDef; via: Via }>> = Object.fromEntries(
  Object.entries(FIELDS).map(([entity, defs]) => {
    const index = new Map<string, { def: FieldDef; via: Via }>();
    const add = (header: string, def: FieldDef, via: Via) => {
      const key = normaliseHeader(header);
      if (key && !index.has(key)) index.set(key, { def, via });
    };
    for (const def of defs) add(def.name, def, 'name');
    for (const def of defs) for (const alias of def.aliases) add(alias, def, 'alias');
    for (const [language, byField] of Object.entries(SYNONYMS[entity as Entity] ?? {}) as Array<[Language, Record<string, readonly string[]>]>)
      for (const [field, headers] of Object.entries(byField)) {
        const def = defs.find((d) => d.name === field)!;
        for (const header of headers) add(header, def, language);
      }
    return [entity, index];
  }),
) as Record<Entity, Map<string, { def: FieldDef; via: Via }>>;

/** Normalised header → what it may be, for headers that name different things in different files. */
const AMBIGUOUS_INDEX: Record<Entity, Map<string, Ambiguity>> = Object.fromEntries(
  Object.keys(FIELDS).map((entity) => [entity, new Map((AMBIGUOUS[entity as Entity] ?? []).flatMap((a) => a.headers.map((h) => [normaliseHeader(h), a] as const)))]),
) as Record<Entity, Map<string, Ambiguity>>;

export type Recognition = { def: FieldDef; via: Via; ambiguity?: undefined; qualified: boolean } | { ambiguity: Ambiguity; def?: undefined; qualified: boolean };

/**
 * What a header names for an entity: a field (by name, alias or an HR system's header in German, French,
 * Dutch, Spanish or English), or an ambiguity (a header that means different things in different
 * files: never placed by its name alone). A qualifier in brackets is tried without when the whole is
 * not known: "Eintrittsdatum (TT.MM.JJJJ)", "E-Mail (geschäftlich)".
 */
export function recogniseHeader(entity: Entity, header: string): Recognition | undefined {
  const bare = withoutQualifier(header);
  for (const [text, qualified] of [[header, false], ...(bare ? [[bare, true]] : [])] as Array<[string, boolean]>) {
    const key = normaliseHeader(text);
    const known = ALIAS_INDEX[entity].get(key);
    if (known) return { ...known, qualified };
    const ambiguity = AMBIGUOUS_INDEX[entity].get(key);
    if (ambiguity) return { ambiguity, qualified };
  }
  return undefined;
}

/** The field closest in spelling to a header, among every name, alias and synonym (a typo: "Frist name"). */
export function closestField(entity: Entity, header: string): string | undefined {
  const near = closest(header, ALIAS_INDEX[entity].keys(), normaliseHeader);
  return near === undefined ? undefined : ALIAS_INDEX[entity].get(near)!.def.name;
}

export interface ColumnMap {
  entity: Entity;
  /** Source column → the field it fills, in column order. */
  mapped: Array<{ column: string; field: FieldDef }>;
  /**
   * Columns no alias or mapping matches, with a suggestion where one is close; `why` when the header is
   * one that means different things in different files (a full name or a last name?).
   */
  unknown: Array<{ column: string; suggestion?: string; why?: string }>;
  /** A second column for a field already filled by an earlier (or explicitly mapped) column. */
  shadowed: Array<{ column: string; field: string; winner: string }>;
}

/** The field a header names for an entity, by its name, alias or synonym only. */
export function fieldForHeader(entity: Entity, header: string): FieldDef | undefined {
  return recogniseHeader(entity, header)?.def;
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
      const known = custom ? undefined : recogniseHeader(entity, column);
      def = custom ? customField(custom[1]!) : known?.def;
      if (!def) {
        const suggestion = known?.ambiguity ? known.ambiguity.fields[0] : closestField(entity, column);
        result.unknown.push({ column, ...(suggestion ? { suggestion } : {}), ...(known?.ambiguity ? { why: known.ambiguity.why } : {}) });
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
