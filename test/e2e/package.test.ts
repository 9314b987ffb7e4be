import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { binaryEnv, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';

const run = promisify(execFile);

/** What a source checkout holds (no dist/): the package is built from this by its prepack script alone. */
const SOURCES = ['bin', 'src', 'bench', 'scripts', 'samples', 'README.md', 'LICENSE', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** npm, quietly, with everything it writes (cache, logs) in `dir`: never in ~/.npm. */
const npm = (args: string[], cwd: string, dir: string) =>
  run('npm', [...args, '--cache', join(dir, 'npm-cache'), '--logs-dir', join(dir, 'npm-logs'), '--no-audit', '--no-fund', '--no-update-notifier'], { cwd, env: binaryEnv(), maxBuffer: 16 * 1024 * 1024 });

/**
 * The npm package as a user gets it. Slow (~20 s, most of it tsc): it builds a copy of the sources
 * with the prepack script, packs it, and installs the tarball globally into a temporary prefix —
 * dependencies from the npm registry into a temporary cache (this machine's own npm cache is never
 * touched); skipped, saying so, when the registry cannot be reached.
 */
describe('the npm package (slow: builds, packs and installs hrsync, ~20 s)', () => {
  it('is built by prepack, ships its code, LICENSE and samples but no source maps, and installs as a working `hrsync`', async (context) => {
    const dir = tempDir();
    const copy = join(dir, 'checkout');
    for (const path of SOURCES) cpSync(join(ROOT, path), join(copy, path), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));

    await npm(['run', 'prepack'], copy, dir);
    const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], copy, dir);
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/hrsync.js', 'dist/cli/main.js', 'dist/cli/THIRD-PARTY-LICENSES.txt', 'samples/users.csv']));
    // The bundle alone: not tsc's modules it is made from, nor the list of what each chunk holds.
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts') || /^(src|test|bench|scripts|dist\/(bench|src|vendor))\//.test(f) || f.endsWith('modules.json'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ license: 'MIT', repository: { url: expect.stringContaining('github.com/hrsync/hrsync') }, homepage: expect.any(String), bugs: { url: expect.any(String) } });
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);

    const prefix = join(dir, 'prefix');
    try {
      await npm(['install', '--global', '--prefix', prefix, join(dir, packed!.filename)], dir, dir);
    } catch (error) {
      const output = String((error as { stderr?: string }).stderr ?? error);
      if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|ETIMEDOUT/.test(output)) return context.skip('the npm registry cannot be reached from here');
      throw error;
    }
    // From a folder that has nothing to do with hrsync: its own code, dependencies and samples.
    const elsewhere = tempDir();
    const hrsync = join(prefix, 'bin', 'hrsync');
    const env = binaryEnv();
    expect((await run(hrsync, ['--help'], { cwd: elsewhere, env })).stdout).toContain('Usage: hrsync');
    expect((await run(hrsync, ['--version'], { cwd: elsewhere, env })).stdout.trim()).toBe(manifest.version);
    const samples = join(prefix, 'lib', 'node_modules', 'hrsync', 'samples');
    const validated = await run(hrsync, ['validate', join(samples, 'groups.csv'), join(samples, 'companies.csv'), join(samples, 'users.csv')], { cwd: elsewhere, env });
    expect(validated.stdout).toMatch(/users\.csv: users, 20 rows, 0 errors/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
