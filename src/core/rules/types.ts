import type { Entity } from '../model/entities.js';

/** A closed list of values, matched ignoring case; aliases normalise other spellings onto it. */
export interface ValueList {
  values: readonly string[];
  /** Lower-cased other spelling → listed value ("male" → "m"). */
  aliases?: Readonly<Record<string, string>>;
}

/** A value (or each item of a list) must be the `field` of an existing `entity` record. */
export interface Reference {
  entity: Entity;
  field: string;
  /** 'warning' where the platform may know records this run cannot see (Springest approvers). */
  severity?: 'error' | 'warning';
}

/** What a target demands of one field. Every key is optional; a rule set is plain data. */
export interface FieldRule {
  required?: boolean;
  maxLength?: number;
  oneOf?: ValueList;
  /** Must be a known country; normalised to the built-in list's name, or to its ISO 3166-1 alpha-2 code. */
  country?: true | 'alpha2';
  /** Stored lower-cased by the platform: normalised here so diffs compare like with like. */
  lowercase?: boolean;
  /** For string fields, and for each item of a list field. */
  ref?: Reference;
  /** Approvers: each email valid, each label from this list. */
  approverLabels?: ValueList;
}

export interface RuleSet {
  /** Whose rules these are, for messages: "accessplanit", "generic" … */
  name: string;
  entity: Entity;
  /** Fields the target stores; other mapped columns are ignored with a warning. 'all' for generic. */
  accepts: readonly string[] | 'all';
  fields: Readonly<Record<string, FieldRule>>;
  /** Each inner list: at least one of these fields must have a value. */
  oneRequired?: ReadonlyArray<readonly string[]>;
  /** Whether the platform holds custom fields (`custom.<name>`, from CF_<name> columns): text, passed through. */
  customFields?: boolean;
  /** Fields whose values must be unique within a batch (emails compared ignoring case). */
  unique: readonly string[];
}

/** The rule sets that apply to a batch: one per entity the platform holds, under one name for messages. */
export interface RuleBook {
  /** "accessplanit", "generic" … (the `target` of a validation report). */
  name: string;
  /** A missing entity means the platform does not hold it. */
  entities: Partial<Record<Entity, RuleSet>>;
}
