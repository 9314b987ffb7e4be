import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopCluster } from './helpers/postgres.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function files(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

/** Source files whose build output is missing or older than they are, or than the bundle bin/hrsync.js runs. */
function stale(): string[] {
  const bundle = join(ROOT, 'dist', 'cli', 'main.js');
  const bundled = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  // The bundler and what it reads (which packages it bundles) count as sources of the bundle.
  const bundler = ['scripts/bundle.mjs', 'package.json'].map((f) => join(ROOT, f)).filter((f) => statSync(f).mtimeMs > bundled);
  return [...bundler, ...files(join(ROOT, 'src'), '.ts')].filter((source) => {
    if (!source.endsWith('.ts')) return true;
    const built = join(ROOT, 'dist', relative(ROOT, source)).replace(/\.ts$/, '.js');
    return !existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs || bundled < statSync(source).mtimeMs;
  });
}

/** What git sees in the checkout, ignored files included: a test that writes into it changes this. */
function checkout(): string | undefined {
  try {
    return execFileSync('git', ['status', '--porcelain', '--ignored', '--untracked-files=all', '--', '.', ':!node_modules', ':!dist'], { cwd: ROOT, encoding: 'utf8' });
  } catch {
    return undefined; // not a git checkout (a packed copy): nothing to compare
  }
}

/**
 * Before the suite: the tests that run the built binary must run today's code, so a stale dist/ is
 * rebuilt (and a build that fails stops the run loudly). After it: the suite must not have written
 * into the checkout — every test works in its own temporary folder, all of them under one that is
 * removed here, after the PostgreSQL server the state tests may have started is stopped.
 */
export default function setup(): () => void {
  const old = stale();
  if (old.length) {
    process.stdout.write(`dist/ is older than ${old.length} source file(s) (e.g. ${relative(ROOT, old[0]!)}): building…\n`);
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], { cwd: ROOT, stdio: 'inherit' });
    } catch {
      throw new Error('the build failed: the tests that run the built binary would run stale code (see the errors above)');
    }
  }
  const before = checkout();
  // Every test's temporary folder goes under one folder of this run (0700), removed at the end: a run
  // leaves nothing in the system's temp folder (test/helpers/files.ts reads HRSYNC_TEST_ROOT).
  const root = mkdtempSync(join(tmpdir(), 'hrsync-tests-'));
  process.env.HRSYNC_TEST_ROOT = root;
  return () => {
    stopCluster(root); // the PostgreSQL server the state backend's tests started, if they did
    rmSync(root, { recursive: true, force: true });
    const after = checkout();
    if (before !== undefined && after !== before) {
      const added = (after ?? '').split('\n').filter((line) => line && !(before ?? '').split('\n').includes(line));
      throw new Error(`the test suite wrote into the checkout:\n${added.join('\n')}`);
    }
  };
}
