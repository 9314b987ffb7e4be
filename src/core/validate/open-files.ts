import { readRecords } from '../../io/records.js';
import { statSync } from 'node:fs';
import { onDisk } from '../../io/paths.js';
import type { ReadEvent, ReadOptions } from '../../io/types.js';
import { mapColumns, type ColumnMap } from '../mapping/columns.js';
import { inferEntity } from '../mapping/infer-entity.js';
import type { Mapping } from '../mapping/mapping-file.js';
import { ENTITY_LIST, type Entity } from '../model/entities.js';
import type { Reference, RuleBook } from '../rules/types.js';
import { ENTITY_GIVEN, type Batch, type FileSummary, type OpenFile } from './batch.js';
import { lateColumns } from './late-columns.js';

export interface OpenOptions {
  rules: RuleBook;
  entity?: Entity;
  mapping?: Mapping;
  read?: ReadOptions;
  /** Records are kept (import): a JSON file's late columns fill them in too. */
  keepRecords?: boolean;
}

/**
 * Phase 1: opens every file and reads its header, to learn which entity it holds (--entity, else
 * its columns, else its name), which rule set applies, and which column fills which field.
 */
export async function openFiles(batch: Batch, paths: readonly string[], options: OpenOptions): Promise<void> {
  for (const [index, path] of paths.entries()) {
    if (batch.stopped) return;
    let bytesRead = 0;
    const events = readRecords(path, { ...options.read, onRead: (n) => ((bytesRead += n), options.read?.onRead?.(n)) });
    const first = await events.next();
    const [header, ...pending] = first.done ? [] : first.value;
    const estimatedRows = estimateRows(path, options.read, header?.kind === 'header' ? header.bytesPerRecord : undefined, pending, bytesRead);
    const summary: FileSummary = {
      file: path,
      entity: null,
      entityReason: '',
      format: header?.kind === 'header' ? header.format : 'csv',
      encoding: header?.kind === 'header' ? header.encoding : null,
      delimiter: header?.kind === 'header' ? (header.delimiter ?? null) : null,
      ...(header?.kind === 'header' && header.dialect ? { dialect: header.dialect } : {}),
      rows: 0,
      errors: 0,
      warnings: 0,
      ...(header?.kind === 'header' && header.sheet !== undefined ? { sheet: header.sheet } : {}),
    };
    const file: OpenFile = { index, summary, events, pending, estimatedRows, columns: undefined, rules: undefined, supplied: new Set(), headerLine: header?.kind === 'header' ? (header.row ?? 1) : 1, refs: [], partial: false };
    batch.files.push(file);
    const columns = header?.kind === 'header' ? header.columns : [];
    if (columns.length === 0) continue; // nothing to map; read problems (if any) come with the records
    const guess = options.entity ? { entity: options.entity, reason: ENTITY_GIVEN, unsure: false } : inferEntity(path, columns, options.mapping);
    summary.entityReason = guess.reason;
    if (!guess.entity) {
      batch.emit(
        { file: path, line: 1, entity: null, field: null, value: null, code: 'unknown_entity', severity: 'error', hint: { text: `pass {option} ${ENTITY_LIST}`, option: 'entity' },
          message: `cannot tell whether this file holds users, companies or groups: ${guess.reason}` },
        file,
      );
      continue;
    }
    summary.entity = guess.entity;
    const rules = options.rules.entities[guess.entity];
    if (!rules) {
      batch.emit(
        { file: path, line: 1, entity: guess.entity, field: null, value: null, code: 'unsupported_entity', severity: 'error', hint: null,
          message: `${options.rules.name} does not hold ${guess.entity} (it holds ${Object.keys(options.rules.entities).join(', ')})` },
        file,
      );
      continue;
    }
    file.rules = rules;
    file.refs = Object.entries(rules.fields).flatMap(([field, rule]) => (rule.ref ? [[field, rule.ref] as [string, Reference]] : []));
    file.columns = mapColumns(guess.entity, columns, options.mapping?.[guess.entity]);
    for (const { field } of file.columns.mapped) file.supplied.add(field.name);
    if (header?.kind === 'header' && header.letters) summary.cells = cellColumns(file.columns, columns, header.letters, header.row ?? 1);
    for (const field of options.mapping?.[guess.entity]?.defaults.keys() ?? []) file.supplied.add(field);
    if (header?.kind === 'header' && header.partial) {
      // A JSON document read on before its columns are all known: they are followed as they come.
      file.partial = true;
      file.events = lateColumns(batch, file, columns, withFirst(pending, events), { ...(options.mapping?.[guess.entity] ? { mapping: options.mapping[guess.entity] } : {}), ...(options.keepRecords ? { keepRecords: true } : {}) });
      file.pending = [];
    }
  }
}

async function* withFirst(first: ReadEvent[], rest: AsyncGenerator<ReadEvent[]>): AsyncGenerator<ReadEvent[]> {
  try {
    if (first.length) yield first;
    yield* rest;
  } finally {
    await rest.return(undefined);
  }
}

/**
 * About how many records a file holds, from its size and the bytes per record of the first batch read
 * (the reader's own count, else the bytes read for that batch): the key indexes are sized from it once,
 * instead of growing as they fill.
 */
function estimateRows(path: string, read: ReadOptions | undefined, bytesPerRecord: number | undefined, first: ReadEvent[], bytesRead: number): number {
  let size: number;
  try {
    size = statSync(onDisk(path, read ?? {})).size;
  } catch {
    return 0; // standard input, or gone: the indexes grow as they fill
  }
  if (bytesPerRecord) return Math.ceil((size / bytesPerRecord) * 1.05);
  const records = first.reduce((n, e) => n + (e.kind === 'record' ? 1 : 0), 0);
  return records > 0 && bytesRead > 0 ? Math.ceil((records * size * 1.05) / Math.min(bytesRead, size)) : 0;
}

/** A workbook's column letters: of each header column, and of the column each field is read from. */
function cellColumns(map: ColumnMap, columns: readonly string[], letters: readonly string[], header: number): NonNullable<FileSummary['cells']> {
  const byColumn = new Map<string, string>();
  columns.forEach((column, i) => letters[i] && !byColumn.has(column) && byColumn.set(column, letters[i]));
  const fields = new Map<string, string>();
  for (const { column, field } of map.mapped) {
    const letter = byColumn.get(column);
    if (letter && !fields.has(field.name)) fields.set(field.name, letter);
  }
  return { header, columns: Object.fromEntries(byColumn), fields: Object.fromEntries(fields) };
}
