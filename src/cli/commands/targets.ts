import { checkTargets, listTargets } from '../../app/check-targets.js';
import { configJsonSchema } from '../../config/schema.js';
import { ExitCode } from '../../errors.js';
import type { ListingFlags } from '../options.js';
import { printable } from '../printable.js';
import { colourFor, formatCount, type Io, openOptions } from '../terminal.js';

/** `hrsync targets`: the configured targets, or the embedded sandbox when there is no config. */
export async function targetsCommand(flags: ListingFlags, io: Io): Promise<number> {
  const listing = await listTargets(openOptions(io, flags.config));
  if (flags.format === 'json') io.stdout.write(JSON.stringify(listing, null, 2) + '\n');
  else {
    const c = colourFor(io.stdout, io.env);
    io.stdout.write(`${listing.config ? `targets in ${listing.config}` : 'no hrsync.config.json here: the embedded sandbox is the target'}\n`);
    for (const r of listing.targets) io.stdout.write(`  ${r.default ? c.green('*') : ' '} ${r.name.padEnd(14)} ${r.type.padEnd(13)} ${c.dim(printable(r.where, true))}\n`);
  }
  return ExitCode.ok;
}

/** `hrsync targets check [NAME]`: signs in, and counts what each entity holds where the platform lists. */
export async function checkCommand(name: string | undefined, flags: ListingFlags, io: Io): Promise<number> {
  const results = await checkTargets(name, openOptions(io, flags.config));
  if (flags.format === 'json') io.stdout.write(JSON.stringify({ ok: results.every((r) => r.ok), targets: results }, null, 2) + '\n');
  else {
    const c = colourFor(io.stdout, io.env);
    for (const r of results) {
      const counts = Object.entries(r.counts).map(([e, n]) => (n === null ? `${e}: cannot be listed` : `${formatCount(n)} ${e}`)).join(', ');
      io.stdout.write(r.ok ? `${c.green('✔')} ${r.name}: reachable, credentials accepted${counts ? `; ${counts}` : ''}\n` : `${c.red('✖')} ${r.name}: ${printable(r.error ?? '', true)}\n`);
    }
  }
  // The worst first: a bug, then the configuration, then a target.
  return results.some((r) => r.internal) ? ExitCode.internal : results.some((r) => r.misconfigured) ? ExitCode.usage : results.every((r) => r.ok) ? ExitCode.ok : ExitCode.targetFailed;
}

/** `hrsync config schema`: the JSON Schema of hrsync.config.json, for editors. */
export function schemaCommand(io: Io): number {
  io.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
  return ExitCode.ok;
}
