import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, binaryEnv, ROOT, type BinaryRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { tempProject } from '../helpers/run.js';

/**
 * The binary runs a bundle of tsc's modules (scripts/bundle.mjs: rollup chunks, commander bundled).
 * A bundler that dropped, reordered or merged code wrongly would show here: each command line runs
 * through the bundle and through tsc's modules, each in a fresh copy of the samples with its own
 * cache folder, and says the same, byte for byte, but for the folder's own name and times.
 */
const LINES: string[][] = [
  ['--help'],
  ...['validate', 'import', 'apply', 'export', 'targets', 'state', 'config', 'sandbox', 'completion'].map((command) => [command, '--help']),
  ['help', 'state'],
  ['completion', 'bash'],
  ['config', 'schema'],
  ['validate', 'samples/groups.csv', 'samples/companies.csv', 'samples/users.csv'],
  ['validate', 'samples/invalid/users.csv', 'samples/invalid/companies.csv', '--format', 'json'],
  ['validate', 'samples/invalid/users.csv', '--format', 'github', '--target', 'generic'],
  ['validate', 'samples/invalid/excel-export.csv', '--map', 'samples/invalid/excel-mapping.json', '--target', 'accessplanit'],
  ['validate', 'samples/hr-export.csv', '--map', 'samples/hr-map.json'],
  ['import', 'samples/users.csv', '--dry-run', '--detailed-exitcode'],
  ['import', 'samples/groups.csv', 'samples/companies.csv', 'samples/users.csv', '--yes'],
  ['export', '--entity', 'users', '--format', 'json'],
  ['state', 'show'],
  ['targets'],
  ['validate', 'nowhere.csv'],
  ['validate', 'samples/users.csv', '--target', 'moodle'],
  ['frobnicate'],
];

function run(entry: string, args: string[]): Promise<BinaryRun> {
  const cwd = tempProject();
  const cache = join(cwd, '.cache');
  mkdirSync(cache);
  // A temporary folder of its own too: the machine's lock folder holds the locks of tests running beside it.
  const tmp = join(cwd, '.tmp');
  mkdirSync(tmp);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd, env: binaryEnv({ XDG_CACHE_HOME: cache, TMPDIR: tmp }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      // The folder's name (and the embedded sandbox's file, named after it), the run's time and how long it took differ.
      const same = (text: string) =>
        text
          .split(cwd)
          .join('<project>')
          .replace(/[\w.-]+-[0-9a-f]{12}\.json/g, '<sandbox>.json')
          .replace(/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z/g, '<run>')
          .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<time>')
          .replace(/\b\d+(\.\d+)?\/s\b/g, '<rate>');
      resolve({ code, stdout: same(stdout), stderr: same(stderr) });
    });
  });
}

describe('the bundle (slow: runs each line twice, ~10 s)', () => {
  it('says what tsc’s modules say, for help, validation, import, export, state and mistakes', async () => {
    const dir = tempDir();
    const source = join(dir, 'source.mjs');
    writeFileSync(source, `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'main.js')).href)});\nprocess.exitCode = await main(process.argv);\n`);
    for (const args of LINES) {
      const [bundled, unbundled] = await Promise.all([run(BIN, args), run(source, args)]);
      expect({ args, ...bundled }).toEqual({ args, ...unbundled });
      expect(bundled.stdout + bundled.stderr).not.toBe('');
    }
  });
});
