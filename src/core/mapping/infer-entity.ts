import { basename } from 'node:path';
import { ENTITIES, type Entity } from '../model/entities.js';
import { DISTINCTIVE } from '../model/fields.js';
import { fieldForHeader } from './columns.js';
import type { Mapping } from './mapping-file.js';

export interface EntityGuess {
  entity: Entity | undefined;
  /** Why: the columns that decided, or the file name. */
  reason: string;
  /** true when the columns alone did not decide. */
  unsure: boolean;
  /** Undecided: the entities whose columns fit equally (none when no column names a field of any). */
  tied?: Entity[];
}

const NAME_HINTS: Array<[RegExp, Entity]> = [
  [/delegate|booking|approval|authori[sz]ation|course/i, 'delegates'],
  [/award|certificat|qualification/i, 'awards'],
  [/job.?role/i, 'jobroles'],
  [/user|employee|staff|people|person|worker|member|learner/i, 'users'],
  [/compan|account|organi[sz]ation|customer|client/i, 'companies'],
  [/group/i, 'groups'],
];

/**
 * Which entity a file holds, from its columns: each entity scores the columns that only it has
 * (Forenames → users, MainContactUserID → companies, Label → groups). A tie is broken by the file
 * name; when that does not help either, the entity is unknown and the caller asks for --entity.
 */
export function inferEntity(file: string, columns: readonly string[], mapping: Mapping = {}): EntityGuess {
  const scores = ENTITIES.map((entity) => {
    const decisive = columns.filter((column) => {
      const explicit = mapping[entity]?.columns.get(column);
      const field = explicit ?? fieldForHeader(entity, column)?.name;
      return field !== undefined && DISTINCTIVE[entity].has(field);
    });
    return { entity, decisive };
  }).sort((a, b) => b.decisive.length - a.decisive.length);
  const [first, second] = scores;
  const byName = NAME_HINTS.find(([re]) => re.test(basename(file)))?.[1];
  if (first!.decisive.length > 0 && first!.decisive.length > second!.decisive.length)
    return { entity: first!.entity, reason: `columns ${first!.decisive.slice(0, 3).join(', ')}`, unsure: false };
  const tied = scores.filter((s) => s.decisive.length === first!.decisive.length && s.decisive.length > 0).map((s) => s.entity);
  if (byName && (tied.length === 0 || tied.includes(byName)))
    return { entity: byName, reason: `the file name${tied.length ? ` (its columns fit ${tied.join(' and ')})` : ''}`, unsure: true };
  return {
    entity: undefined,
    tied,
    reason: tied.length ? `its columns fit ${tied.join(' and ')} equally` : 'no column names a users, companies or groups field',
    unsure: true,
  };
}
