import ora from 'ora';
import { ExitCode, UsageError } from '../../errors.js';
import { runExport, type ExportReport } from '../../app/export-run.js';
import type { FileFormat } from '../../io/types.js';
import { isEntity, SINGULAR, type Entity } from '../../core/model/entities.js';
import { openTarget } from '../../app/open-target.js';
import type { ListQuery } from '../../core/ports.js';
import { colourFor, formatCount, plural, type Io } from '../terminal.js';

export interface ExportFlags {
  target?: string;
  config?: string;
  entity: string;
  output?: string;
  format?: FileFormat;
  fields?: string;
  filter: string[];
  since?: string;
  wire?: boolean;
}

/** --filter status=Enabled,New (repeatable) → {status: ['Enabled', 'New']}. */
export function parseFilters(specs: string[]): Record<string, string[]> {
  const filter: Record<string, string[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad --filter "${spec}"`, 'use FIELD=VALUE[,VALUE…], e.g. status=Enabled,New');
    filter[spec.slice(0, eq).trim()] = spec.slice(eq + 1).split(',').map((v) => v.trim());
  }
  return filter;
}

/** The format from --format, else the output file's extension, else CSV. */
function formatOf(flags: ExportFlags): FileFormat {
  if (flags.format) return flags.format;
  const ext = /\.(csv|json|ndjson|jsonl)$/i.exec(flags.output ?? '')?.[1]?.toLowerCase();
  return ext === 'json' ? 'json' : ext === 'ndjson' || ext === 'jsonl' ? 'ndjson' : 'csv';
}

export async function exportCommand(flags: ExportFlags, io: Io): Promise<number> {
  if (!isEntity(flags.entity)) throw new UsageError(`--entity must be users, companies or groups, not "${flags.entity}"`);
  const entity: Entity = flags.entity;
  if (flags.since !== undefined && Number.isNaN(Date.parse(flags.since))) throw new UsageError(`--since "${flags.since}" is not an ISO date or date-time`);
  const query: ListQuery = { filter: parseFilters(flags.filter), ...(flags.since ? { since: flags.since } : {}) };
  const output = flags.output ?? '-';
  const c = colourFor(io.stderr, io.env);
  const opened = await openTarget(flags.target, { config: flags.config, env: io.env });
  // Progress only on a terminal; a pipe or a CI log gets the one summary line.
  const spinner = ora({ stream: io.stderr, isSilent: !io.stderr.isTTY || Boolean(io.env.CI), discardStdin: false });
  try {
    if (!opened.target) throw new UsageError(`"${flags.target}" names rules, not a target to export from`, 'pass a configured target, or "sandbox"');
    if (opened.note) io.stderr.write(`${c.dim(opened.note)}\n`);
    const target = opened.target;
    const started = performance.now();
    spinner.start(`exporting ${entity} from ${target.label}`);
    const report: ExportReport = await runExport(
      target,
      {
        entity,
        output,
        format: formatOf(flags),
        ...(flags.fields ? { fields: flags.fields.split(',').map((f) => f.trim()).filter(Boolean) } : {}),
        query,
        wire: Boolean(flags.wire),
        onProgress: (rows) => {
          const rate = rows / Math.max(0.001, (performance.now() - started) / 1000);
          spinner.text = `exporting ${entity} from ${target.label}: ${formatCount(rows)} rows, ${formatCount(Math.round(rate))}/s`;
        },
      },
      io.stdout,
    );
    spinner.stop();
    const where = output === '-' ? 'stdout' : output;
    io.stderr.write(`${c.green('✔')} exported ${plural(report.rows, SINGULAR[entity], entity)} from ${report.target} to ${where} in ${(report.ms / 1000).toFixed(1)} s\n`);
    return ExitCode.ok;
  } catch (error) {
    spinner.stop();
    throw error;
  } finally {
    await opened.close();
  }
}
