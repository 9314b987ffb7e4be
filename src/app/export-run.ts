import type { FileFormat } from '../io/types.js';
import { openWriter } from '../io/writers.js';
import type { CsvDialect } from '../io/dialect.js';
import type { Entity } from '../core/model/entities.js';
import { CUSTOM_PREFIX, FIELDS, isCustomField } from '../core/model/fields.js';
import { Interrupted, UsageError } from '../errors.js';
import type { ListQuery, Connection } from '../core/ports.js';
import { closest } from '../shared/closest.js';

export interface ExportOptions {
  entity: Entity;
  /** A file, or "-" for stdout. */
  output: string;
  format: FileFormat;
  /** CSV: how it is written (default: STANDARD_DIALECT — UTF-8, commas, LF, formulas guarded). */
  dialect?: CsvDialect;
  /** Canonical fields to write, in this order (default: every field the target holds, in the model's order). */
  fields?: string[];
  query?: ListQuery;
  /** Column names in the platform's own words instead of canonical names. */
  wire?: boolean;
  onProgress?: (rows: number) => void;
  /**
   * The user stopped the export (its reason: the signal's name): no file is left. Give the same
   * signal to the target (OpenOptions.signal) to cut a page being read, too.
   */
  signal?: AbortSignal;
  /** For standard output on a terminal: makes text safe to show (control characters escaped). */
  shown?: (text: string) => string;
}

export interface ExportReport {
  /** The label of what was read: a target, or a source (--from). */
  from: string;
  entity: Entity;
  output: string;
  format: FileFormat;
  rows: number;
  columns: string[];
  ms: number;
}

/** The columns an export writes: the target's fields for the entity, in the canonical model's order. */
export function exportColumns(target: Connection, entity: Entity, fields: string[] | undefined, wire: boolean, custom: readonly string[] = []): Array<{ field: string; header: string }> {
  const map = target.wire[entity];
  if (!map) throw new UsageError(`${target.label} does not hold ${entity} (it holds ${target.entities.join(', ')})`);
  const held = [...FIELDS[entity].map((d) => d.name).filter((f) => f in map), ...custom];
  const chosen = fields ?? held;
  for (const f of chosen)
    if (!held.includes(f) && !(isCustomField(f) && target.customFields?.includes(entity))) {
      const near = closest(f, held);
      throw new UsageError(`--fields: ${target.label} ${entity} have no field "${f}"${near ? ` (did you mean "${near}"?)` : ''}`, `fields: ${held.join(', ')}`);
    }
  return chosen.map((field) => ({ field, header: wire ? (map[field] ?? `CF_${field.slice(CUSTOM_PREFIX.length)}`) : field }));
}

/**
 * Streams every record of an entity from a target into a file, page by page: memory stays flat
 * however many records there are. The file appears only when complete; on failure nothing is left.
 */
export async function runExport(target: Connection, options: ExportOptions, stdout?: NodeJS.WritableStream): Promise<ExportReport> {
  if (!target.entities.includes(options.entity))
    throw new UsageError(`--entity ${options.entity}: ${target.label} does not hold ${options.entity} (it holds ${target.entities.join(', ')})`, `export ${options.entity} from a target whose platform holds them (hrsync targets lists each target's platform)`);
  if (!target.can.list) await drain(target.list(options.entity)); // the target's own words on why it cannot
  // The tenant's custom fields are columns too, unless --fields chose.
  const custom = !options.fields && target.customFields?.includes(options.entity) ? ((await target.customFieldNames?.(options.entity)) ?? []) : [];
  const columns = exportColumns(target, options.entity, options.fields, options.wire ?? false, custom);
  const started = performance.now();
  if (options.output === '-' && !stdout) throw new UsageError('an export to standard output needs a stream to write to');
  const writer = await openWriter(options.output, options.format, columns, stdout!, options.shown, options.dialect);
  let rows = 0;
  const stop = options.signal;
  const stopped = (signal: NodeJS.Signals) => new Interrupted(`the export was interrupted${options.output === '-' ? '' : `: ${options.output} was not written`}`, signal);
  try {
    for await (const page of target.list(options.entity, options.query)) {
      if (stop?.aborted) throw stopped(typeof stop.reason === 'string' ? (stop.reason as NodeJS.Signals) : 'SIGINT');
      await writer.write(page);
      rows += page.length;
      options.onProgress?.(rows);
    }
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error instanceof Interrupted ? stopped(error.signal) : error;
  }
  return { from: target.label, entity: options.entity, output: options.output, format: options.format, rows, columns: columns.map((c) => c.header), ms: performance.now() - started };
}

async function drain(pages: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of pages) break;
}
