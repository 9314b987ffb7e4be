import { FIELDS, isCustomField, LIFECYCLE_FIELDS } from '../model/fields.js';
import type { Issue } from '../model/issues.js';
import type { OpenFile } from './batch.js';

/** Phase 2: findings about a file's header as a whole, each reported once per file. */
export function headerIssues(file: OpenFile, emit: (issue: Issue) => void): void {
  const rules = file.rules!;
  const columns = file.columns!;
  const path = file.summary.file;
  const entity = rules.entity;
  // The header's line: a workbook's header may sit below a title or empty rows.
  const base = { file: path, line: file.headerLine, entity, value: null } as const;
  const exampleHeaders = (field: string) => {
    const def = FIELDS[entity].find((d) => d.name === field);
    return def ? [def.name, ...def.aliases.slice(0, 2)].map((a) => `"${a}"`).join(', ') : `"${field}"`;
  };
  for (const [field, rule] of Object.entries(rules.fields))
    if (rule.required && !file.supplied.has(field))
      emit({ ...base, field, code: 'missing_column', severity: 'error', message: `no column for ${field}, which ${rules.name} requires`,
        hint: { text: `add a column named e.g. ${exampleHeaders(field)}, map one with {option}, or set one for every row in the mapping file's defaults ({ "${field}": … })`, option: 'map' } });
  for (const group of rules.oneRequired ?? [])
    if (!group.some((f) => file.supplied.has(f)))
      emit({ ...base, field: null, code: 'missing_column', severity: 'error', message: `no column for ${group.join(' or ')}; ${rules.name} needs one of them`, hint: null });
  for (const { column, suggestion, why } of columns.unknown)
    emit({ ...base, field: null, value: column, code: 'unknown_column', severity: 'warning',
      message: why ? `column "${column}" is not placed by its name alone and will be ignored: ${why}` : `column "${column}" is not a ${entity} field and will be ignored`,
      hint: { text: why ? `map it with {option} to ${suggestion ?? 'a field'} if that is what it holds (hrsync map init FILE writes a mapping file)` : suggestion ? `did you mean ${suggestion}? map it with {option}` : 'map it to a field with {option} if it should be imported (hrsync map init FILE writes a mapping file)', option: 'map' } });
  for (const { column, field, winner } of columns.shadowed)
    emit({ ...base, field, value: column, code: 'ambiguous_column', severity: 'warning',
      message: `columns "${winner}" and "${column}" both fill ${field}; "${winner}" is used`, hint: { text: 'map one of them to null with {option} to silence this', option: 'map' } });
  // Start and end dates and time zones are hrsync's own (joiners and leavers) wherever the platform stores them.
  if (rules.accepts !== 'all')
    for (const { column, field } of columns.mapped)
      if (!LIFECYCLE_FIELDS.has(field.name) && (isCustomField(field.name) ? !rules.customFields : !rules.accepts.includes(field.name)))
        emit({ ...base, field: field.name, value: column, code: 'unused_column', severity: 'warning',
          message: isCustomField(field.name)
            ? `column "${column}" is a custom field, and ${rules.name} holds no custom fields: it will be ignored`
            : `column "${column}" (${field.name}) is not stored by ${rules.name} and will be ignored`, hint: null });
}
