import { existsSync, readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { defaultRunDir } from '../shared/run-folder.js';

/**
 * The folder a run's results go to: --results as given — refused when it is a file, or already holds
 * another run's results (they would be mixed, or one lost) — else a new .hrsync/runs/<time> folder of
 * its own in the project folder `home` (the config's). Returned relative to `cwd`, for messages.
 */
export function resultsFolder(given: string | undefined, cwd: string, home: string = cwd): string {
  if (given !== undefined) {
    const path = resolve(cwd, given);
    if (existsSync(path)) {
      if (!statSync(path).isDirectory()) throw new UsageError(`--results ${given} is a file, not a folder`);
      const held = readdirSync(path).filter((name) => name === 'journal.ndjson' || name === 'results.csv');
      if (held.length) throw new UsageError(`--results ${given} already holds a run's results (${held.join(', ')})`, 'give a new folder for each run, or leave --results out for .hrsync/runs/<time>');
    }
    return given;
  }
  const base = defaultRunDir();
  let dir = base;
  for (let n = 2; existsSync(resolve(home, dir)); n++) dir = `${base}-${n}`;
  return relative(cwd, resolve(home, dir)) || '.';
}
