import { loadConfig } from '../../config/load.js';
import { configJsonSchema } from '../../config/schema.js';
import { ExitCode, UsageError } from '../../errors.js';
import { RemoteError } from '../../http/errors.js';
import { redact } from '../../http/redact.js';
import { openTarget } from '../../app/open-target.js';
import { colourFor, formatCount, type Io } from '../terminal.js';

export interface TargetsFlags {
  config?: string;
  format: 'text' | 'json';
}

/** `hrsync targets`: the configured targets, or the embedded sandbox when there is no config. */
export async function targetsCommand(flags: TargetsFlags, io: Io): Promise<number> {
  const loaded = await loadConfig(flags.config);
  const rows = loaded
    ? Object.entries(loaded.config.targets).map(([name, t]) => ({
        name,
        type: t.type,
        default: loaded.config.defaultTarget === name || Object.keys(loaded.config.targets).length === 1,
        where: t.type === 'springest' ? Object.values(t.sites).map((s) => redact(s.baseUrl)).join(', ') : redact(t.baseUrl),
      }))
    : [{ name: 'sandbox', type: 'accessplanit', default: true, where: 'embedded (in-process), state in .hrsync/sandbox.json' }];
  if (flags.format === 'json') io.stdout.write(JSON.stringify({ config: loaded?.path ?? null, targets: rows }, null, 2) + '\n');
  else {
    const c = colourFor(io.stdout, io.env);
    io.stdout.write(`${loaded ? `targets in ${loaded.path}` : 'no hrsync.config.json here: the embedded sandbox is the target'}\n`);
    for (const r of rows) io.stdout.write(`  ${r.default ? c.green('*') : ' '} ${r.name.padEnd(14)} ${r.type.padEnd(13)} ${c.dim(r.where)}\n`);
  }
  return ExitCode.ok;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  counts: Record<string, number | null>;
  error: string | null;
}

/** `hrsync targets check [NAME]`: signs in, and counts what each entity holds where the platform lists. */
export async function checkCommand(name: string | undefined, flags: TargetsFlags, io: Io): Promise<number> {
  const loaded = await loadConfig(flags.config);
  const names = name ? [name] : loaded ? Object.keys(loaded.config.targets) : ['sandbox'];
  const results: CheckResult[] = [];
  for (const n of names) {
    const opened = await openTarget(n, { config: flags.config, env: io.env });
    const result: CheckResult = { name: n, ok: true, counts: {}, error: null };
    try {
      const target = opened.target;
      if (!target) throw new UsageError(`"${n}" is a rule set, not a configured target`);
      for (const entity of target.entities) {
        if (!target.can.list) {
          result.counts[entity] = null;
          continue;
        }
        const counted = await target.count?.(entity);
        if (counted !== undefined) result.counts[entity] = counted;
        else {
          let total = 0;
          for await (const page of target.list(entity)) total += page.length;
          result.counts[entity] = total;
        }
      }
      if (!target.can.list && target.check) await target.check();
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      result.ok = false;
      result.error = error.message + (error.hint ? ` (${error.hint})` : '');
    } finally {
      await opened.close();
    }
    results.push(result);
  }
  if (flags.format === 'json') io.stdout.write(JSON.stringify({ ok: results.every((r) => r.ok), targets: results }, null, 2) + '\n');
  else {
    const c = colourFor(io.stdout, io.env);
    for (const r of results) {
      const counts = Object.entries(r.counts).map(([e, n]) => (n === null ? `${e}: cannot be listed` : `${formatCount(n)} ${e}`)).join(', ');
      io.stdout.write(r.ok ? `${c.green('✔')} ${r.name}: reachable, credentials accepted${counts ? `; ${counts}` : ''}\n` : `${c.red('✖')} ${r.name}: ${r.error}\n`);
    }
  }
  return results.every((r) => r.ok) ? ExitCode.ok : ExitCode.targetFailed;
}

/** `hrsync config schema`: the JSON Schema of hrsync.config.json, for editors. */
export function schemaCommand(io: Io): number {
  io.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
  return ExitCode.ok;
}
