// Bundles the built CLI (dist/src, tsc's output) into dist/cli: what bin/hrsync.js runs.
//
// Why: a small `hrsync validate` spent most of its time loading modules, not validating. Each ES
// module costs Node a resolution, a read, a compile and a link (~0.5 ms each on the CI machine), and
// commander, a CommonJS package, costs more through the ES module loader's CommonJS translation and
// loads node:child_process (and with it net and dgram) for subcommands hrsync never runs as programs.
//
// - Rollup splits the code into chunks that load together, and keeps every `await import()` lazy: a
//   chunk loads when the code that needs it runs. What the command line itself always loads stays in
//   main.js, and small chunks with no side effects are merged into ones loaded with them.
// - commander and lilconfig (small, CommonJS, on every run's path) are bundled, turned into ES modules
//   by esbuild first; node:child_process is loaded by commander only when it would run an executable
//   subcommand. Every other dependency stays an import of the installed package, loaded only where it
//   is needed, and updated by npm.
// - No minifying: stack traces (HRSYNC_DEBUG=stack) keep their names. No source maps are shipped.
// - dist/cli/modules.json lists the modules each chunk holds (test/architecture/layers.test.ts reads it).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist', 'cli');
const vendor = join(root, 'dist', 'vendor');
/** Bundled packages, and what hrsync imports from each (a CommonJS module's names are not known to a bundler). */
const BUNDLED = { commander: ['Argument', 'Command', 'CommanderError', 'Help', 'Option'], lilconfig: ['lilconfig'] };

/** commander's `require('node:child_process')`, answered when a property is first read rather than at load. */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, () => ({ path: 'lazy-child-process', namespace: 'hrsync' }));
    b.onLoad({ filter: /.*/, namespace: 'hrsync' }, () => ({
      contents: "let loaded;\nconst load = () => (loaded ??= require('node:child_process'));\nmodule.exports = new Proxy({}, { get: (_, key) => load()[key] });\n",
      loader: 'js',
    }));
  },
};

// 1. Each CommonJS package bundled as one ES module (its own require() of Node's modules through createRequire).
rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
for (const [name, names] of Object.entries(BUNDLED)) {
  const entry = join(vendor, `${name}.entry.mjs`);
  writeFileSync(entry, `import * as pkg from '${name}';\nexport const { ${names.join(', ')} } = pkg;\n`);
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: join(vendor, `${name}.mjs`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${pkg.engines.node.replace(/^>=\s*/, '')}`,
    banner: { js: "import { createRequire as __hrsyncCreateRequire } from 'node:module';\nconst require = __hrsyncCreateRequire(import.meta.url);" },
    plugins: name === 'commander' ? [lazyChildProcess] : [],
    legalComments: 'eof',
    logLevel: 'warning',
  });
}

// 2. hrsync's own modules, in chunks.
const dependencies = Object.keys(pkg.dependencies);
rmSync(out, { recursive: true, force: true });
const bundle = await rollup({
  input: join(root, 'dist', 'src', 'cli', 'main.js'),
  plugins: [{ name: 'vendor', resolveId: (id) => (id in BUNDLED ? join(vendor, `${id}.mjs`) : null) }],
  external: (id) => id.startsWith('node:') || dependencies.some((d) => !(d in BUNDLED) && (id === d || id.startsWith(`${d}/`))),
  // A module's top-level code runs when its chunk loads, as it did unbundled: nothing is dropped.
  treeshake: { moduleSideEffects: true },
  // Rollup's report of how it merged small chunks is not a warning.
  onLog(level, log, handler) {
    if (log.code !== 'OPTIMIZE_CHUNK_STATUS') handler(level, log);
  },
});
const { output } = await bundle.write({
  dir: out,
  format: 'es',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  experimentalMinChunkSize: 64 * 1024,
  generatedCode: 'es2015',
});
await bundle.close();
const modules = Object.fromEntries(
  output.filter((o) => o.type === 'chunk').map((chunk) => [chunk.fileName, Object.keys(chunk.modules).map((id) => relative(root, id).split('\\').join('/'))]),
);
writeFileSync(join(out, 'modules.json'), `${JSON.stringify(modules, null, 1)}\n`);

// 2b. The PostgreSQL lock's worker thread (src/app/lock-lease.ts) is started from a file of its own, found
// beside the chunk that starts it: copied as tsc wrote it, since it imports only Node's modules and pg.
const worker = readFileSync(join(root, 'dist', 'src', 'app', 'lock-lease.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
if (/\bfrom\s+['"]\.{1,2}\//.test(worker) || /\bimport\(\s*['"]\.{1,2}\//.test(worker)) throw new Error('src/app/lock-lease.ts imports a module of hrsync: bundle it as an entry instead of copying it');
writeFileSync(join(out, 'lock-lease.js'), worker);

// 3. The licences of the bundled packages, shipped beside them (MIT: the notice goes with the code).
const notices = Object.keys(BUNDLED).map((name) => {
  const dir = join(root, 'node_modules', name);
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return `${name} ${version} (${license}), bundled in dist/cli:\n\n${readFileSync(join(dir, 'LICENSE'), 'utf8').trim()}\n`;
});
writeFileSync(join(out, 'THIRD-PARTY-LICENSES.txt'), notices.join('\n---\n\n'));
rmSync(vendor, { recursive: true, force: true });
