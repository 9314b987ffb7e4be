import { resolve } from 'node:path';
import { runExport } from '../../app/export-run.js';
import { sinceOf, sinceWords } from '../../app/bookmarks.js';
import { writeRun } from '../../app/write-run.js';
import { openTarget } from '../../app/open-target.js';
import { ENTITY_LIST, isEntity, SINGULAR, type Entity } from '../../core/model/entities.js';
import type { ListQuery } from '../../core/ports.js';
import { ExitCode, UsageError } from '../../errors.js';
import type { FileFormat } from '../../io/types.js';
import { CSV_DIALECTS, type CsvDialect } from '../../io/dialect.js';
import { parseDelimiterOption } from '../../io/delimiter.js';
import type { ExportFlags } from '../options.js';
import { filters, since } from '../parse.js';
import { printable } from '../printable.js';
import { ratePerSecond, spinner } from '../progress.js';
import { colourFor, formatCount, onStopSignals, plural, type Io, openOptions, warner } from '../terminal.js';

/** The format from --format, else the output file's extension, else CSV. */
function formatOf(flags: ExportFlags): FileFormat {
  if (flags.format) return flags.format;
  const ext = /\.(csv|json|ndjson|jsonl|xlsx)$/i.exec(flags.output ?? '')?.[1]?.toLowerCase();
  return ext === 'json' ? 'json' : ext === 'ndjson' || ext === 'jsonl' ? 'ndjson' : ext === 'xlsx' ? 'xlsx' : 'csv';
}

/** The CSV dialect of --csv-dialect and --delimiter; a usage error when they are given for another format. */
function dialectOf(flags: ExportFlags, format: FileFormat): CsvDialect {
  const name = flags.csvDialect ?? 'standard';
  if (format !== 'csv' && (name !== 'standard' || flags.delimiter !== undefined))
    throw new UsageError(`${flags.delimiter !== undefined ? '--delimiter' : '--csv-dialect'} is for CSV output, and this export writes ${format}`, 'leave it out, or write a .csv file');
  const dialect: CsvDialect = CSV_DIALECTS[name];
  if (flags.delimiter === undefined) return dialect;
  const delimiter = parseDelimiterOption(flags.delimiter);
  if (!delimiter || delimiter === '"' || delimiter === '\n' || delimiter === '\r') throw new UsageError(`--delimiter "${flags.delimiter}" is not one character`, 'use , ; | or tab');
  return { ...dialect, delimiter };
}

export async function exportCommand(flags: ExportFlags, io: Io): Promise<number> {
  if (!isEntity(flags.entity)) throw new UsageError(`--entity must be ${ENTITY_LIST}, not "${flags.entity}"`);
  const format = formatOf(flags);
  const dialect = dialectOf(flags, format);
  const entity: Entity = flags.entity;
  const sinceLast = flags.since === 'last';
  const sinceAt = sinceLast ? undefined : since(flags.since);
  const query: ListQuery = {
    filter: filters(flags.filter),
    ...(sinceAt ? { since: sinceAt } : {}),
    onNotice: warner(io),
  };
  const output = flags.output ?? '-';
  const c = colourFor(io.stderr, io.env);
  // Ctrl-C (SIGTERM, a hangup) cuts the page being read and removes the partial file: exit 130.
  const controller = new AbortController();
  const dispose = onStopSignals(io, (signal) => controller.abort(signal));
  const open = () => openTarget(flags.target, { ...openOptions(io, flags.config), signal: controller.signal }).catch((error: unknown) => {
    dispose();
    throw error;
  });
  // An export that moves a bookmark (--since last) is kept in the run history.
  return writeRun(open, { command: 'export', record: sinceLast, counts: { [entity]: 0 }, warn: warner(io) }, async ({ opened, counts }) => {
    const progress = await spinner(io);
    try {
      if (!opened.target) throw new UsageError(`"${flags.target}" names rules, not a target to export from`, 'pass a configured target, or "sandbox"');
      if (opened.note) io.stderr.write(`${c.dim(opened.note)}\n`);
      const target = opened.target;
      // --since last: from the bookmark of the last export of this entity from this target (none: everything).
      const bookmarks = opened.state;
      const key = `export ${target.identity} ${entity}`;
      if (sinceLast) {
        const previous = await bookmarks.bookmark(key);
        const from = sinceOf(previous);
        if (from) {
          query.since = from;
          io.stderr.write(`${c.dim(sinceWords(previous!, `${entity} from ${target.label}`))}\n`);
        } else io.stderr.write(`${c.dim(`--since last: no bookmark yet for ${entity} from ${target.label}: a full export`)}\n`);
      }
      const startedAt = new Date().toISOString();
      const started = performance.now();
      progress.start(`exporting ${entity} from ${target.label}`);
      const report = await runExport(
        target,
        {
          entity,
          output: output === '-' ? output : resolve(io.cwd, output),
          format,
          ...(format === 'csv' ? { dialect } : {}),
          ...(flags.fields ? { fields: flags.fields.split(',').map((f) => f.trim()).filter(Boolean) } : {}),
          query,
          wire: Boolean(flags.wire),
          signal: controller.signal,
          // On a terminal, a value's escape codes are shown, never run (a file or a pipe gets the data as it is).
          ...(output === '-' && io.stdout.isTTY ? { shown: (text: string) => printable(text) } : {}),
          onProgress: (rows) => {
            progress.text = `exporting ${entity} from ${target.label}: ${formatCount(rows)} rows, ${formatCount(Math.round(ratePerSecond(rows, started)))}/s`;
          },
        },
        io.stdout as NodeJS.WritableStream,
      );
      progress.stop();
      const where = output === '-' ? 'stdout' : printable(output, true);
      io.stderr.write(`${c.green('✔')} exported ${plural(report.rows, SINGULAR[entity], entity)} from ${report.from} to ${where} in ${(report.ms / 1000).toFixed(1)} s\n`);
      if (opened.embedded) io.stderr.write(`${c.dim('from the embedded sandbox: sample data, not a real platform')}\n`);
      counts[entity] = report.rows;
      if (sinceLast)
        await bookmarks.setBookmark({ key, source: target.name, target: output === '-' ? 'stdout' : output, entity, at: startedAt });
      return ExitCode.ok;
    } catch (error) {
      progress.stop();
      throw error;
    } finally {
      dispose();
    }
  });
}
