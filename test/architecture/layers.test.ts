import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { PLATFORMS } from '../../src/sandbox/platforms/index.js';
import { BIN, binaryEnv, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { tempProject } from '../helpers/run.js';

/**
 * The one-way import rule of docs/architecture.md, as data: each layer (a folder or a file under
 * src/) and what it may import besides itself. The most specific layer of a file applies.
 */
const LAYERS: Record<string, readonly string[]> = {
  'src/shared': [],
  'src/errors.ts': [],
  'src/core/model': ['src/shared'],
  'src/core/lifecycle': ['src/shared'],
  'src/io': ['src/core/model', 'src/shared', 'src/errors.ts'],
  'src/http': ['src/shared', 'src/errors.ts'],
  'src/core/rules': ['src/core/model', 'src/core/lifecycle', 'src/shared', 'src/errors.ts'],
  'src/core/mapping': ['src/core/model', 'src/core/lifecycle', 'src/io', 'src/shared', 'src/errors.ts'],
  'src/core/ports.ts': ['src/core/model'],
  'src/core/validate': ['src/core/mapping', 'src/core/rules', 'src/core/model', 'src/core/lifecycle', 'src/io', 'src/shared', 'src/errors.ts'],
  'src/core/plan': ['src/core/ports.ts', 'src/core/model', 'src/core/lifecycle', 'src/shared', 'src/errors.ts'],
  'src/core/apply': ['src/core/plan', 'src/core/ports.ts', 'src/core/model', 'src/io', 'src/shared', 'src/errors.ts'],
  'src/connectors': ['src/core/ports.ts', 'src/core/model', 'src/core/rules', 'src/http', 'src/shared', 'src/errors.ts'],
  'src/config': ['src/connectors/registry.ts', 'src/connectors/config-schema.ts', 'src/core/lifecycle', 'src/shared', 'src/errors.ts'],
  'src/sandbox': ['src/shared', 'src/errors.ts'],
  'src/app': ['src/config', 'src/connectors', 'src/core', 'src/io', 'src/http', 'src/sandbox', 'src/shared', 'src/errors.ts'],
  'src/cli': ['src/app', 'src/core', 'src/config', 'src/connectors/registry.ts', 'src/io', 'src/sandbox', 'src/shared', 'src/errors.ts'],
};

/** Folders whose subfolders (one per platform) may not import each other: only their registry names them all. */
const PLUGIN_FOLDERS = ['src/connectors', 'src/sandbox/platforms'];
const REGISTRIES = ['src/connectors/registry.ts', 'src/sandbox/platforms/index.ts'];

const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

const PLATFORM_NAMES = [...new Set([...CONNECTORS.map((c) => c.type), ...PLATFORMS.map((p) => p.name)])];

/** The platform a file belongs to: its folder (or file) under a plugin folder, e.g. src/connectors/scim/. */
function pluginOf(path: string): string | undefined {
  for (const folder of PLUGIN_FOLDERS)
    for (const name of PLATFORM_NAMES) if (within(path, `${folder}/${name}`) || path === `${folder}/${name}.ts`) return `${folder}/${name}`;
  return undefined;
}

function layerOf(path: string): string | undefined {
  return Object.keys(LAYERS)
    .filter((layer) => within(path, layer))
    .sort((a, b) => b.length - a.length)[0];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const FILES = sourceFiles(join(ROOT, 'src')).map((f) => relative(ROOT, f).split('\\').join('/'));

/** Each file parsed once for every test here (parsing is most of this file's time). */
const PARSED = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let source = PARSED.get(file);
  if (!source) PARSED.set(file, (source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true)));
  return source;
}

/** Every relative module a file imports (static, type-only, re-exports and dynamic import()). */
function importsOf(file: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) found.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return found.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(ROOT, dirname(file), s.replace(/\.js$/, '.ts'))).split('\\').join('/'));
}

/** The words a file's code uses — identifiers and string contents — without its comments. */
function codeWords(file: string): string[] {
  const words: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) words.push(node.text);
    else if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) words.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return words;
}

describe('the architecture', () => {
  it('imports only downward: every file of src/ keeps its layer’s rule', () => {
    const broken: string[] = [];
    for (const file of FILES) {
      const layer = layerOf(file);
      if (!layer) {
        broken.push(`${file}: in no layer (add it to LAYERS and docs/architecture.md)`);
        continue;
      }
      for (const target of importsOf(file)) {
        const allowed = within(target, layer) || LAYERS[layer]!.some((l) => within(target, l));
        if (!allowed) broken.push(`${file} → ${target}`);
        const [from, to] = [pluginOf(file), pluginOf(target)];
        if (from && to && from !== to) broken.push(`${file} → ${target} (one platform's folder imports another's)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('has no circles between files: no file reaches itself through its imports (static, type-only and lazy alike)', () => {
    const graph = new Map(FILES.map((file) => [file, importsOf(file).filter((to) => FILES.includes(to))]));
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    // A circle hidden behind a lazy import() still ties the files together: move what both need into a
    // file of its own (as io/cells.ts, app/create-target.ts and mapping's lookupKey did).
    expect(circles).toEqual([]);
  });

  it('keeps commands apart: no file of src/cli/commands imports another (shared CLI pieces live in src/cli, use cases in src/app)', () => {
    const commands = FILES.filter((f) => within(f, 'src/cli/commands'));
    expect(commands.length).toBeGreaterThan(1);
    const crossings = commands.flatMap((f) => importsOf(f).filter((t) => within(t, 'src/cli/commands') && t !== f).map((t) => `${f} → ${t}`));
    expect(crossings).toEqual([]);
  });

  it('starts lean: what bin/hrsync.js loads before a command runs reaches neither the config nor the connectors nor the emulator', () => {
    // Static, value imports only: type-only imports vanish, dynamic import() waits for the command.
    const valueImports = (file: string): string[] => {
      const found: string[] = [];
      for (const node of parse(file).statements)
        if ((ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) || (ts.isExportDeclaration(node) && !node.isTypeOnly))
          if (node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.'))
            found.push(relative(ROOT, resolve(ROOT, dirname(file), node.moduleSpecifier.text.replace(/\.js$/, '.ts'))).split('\\').join('/'));
      return found;
    };
    const loaded = new Set<string>();
    const walk = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const next of valueImports(file)) walk(next);
    };
    walk('src/cli/main.ts');
    expect([...loaded].filter((f) => /^src\/(config|connectors|sandbox\/(server|platforms)|app)\b/.test(f))).toEqual([]);
  });

  it('loads pg only for the PostgreSQL state: its module, only ever imported dynamically, and its lock\u2019s worker, never imported (a thread runs it)', () => {
    const pgImporters = FILES.filter((f) =>
      parse(f).statements.some((n) => ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && /^pg(\/|$)/.test(n.moduleSpecifier.text) && !n.importClause?.isTypeOnly),
    );
    expect(pgImporters).toEqual(['src/app/lock-lease.ts', 'src/app/state-postgres.ts']);
    const staticImporters = FILES.filter((f) =>
      parse(f).statements.some((n) => ts.isImportDeclaration(n) && !n.importClause?.isTypeOnly && ts.isStringLiteral(n.moduleSpecifier) && /\/(state-postgres|lock-lease)\.js$/.test(n.moduleSpecifier.text)),
    );
    expect(staticImporters).toEqual([]);
  });

  it('names no CLI flag in core: core returns data (structured notes, issue codes), the CLI words them as its flags', () => {
    /** Strings in core that hold "--" before a letter but are no flag of hrsync's: each with why. */
    const NOT_FLAGS: Record<string, RegExp> = {};
    const found: string[] = [];
    for (const file of FILES.filter((f) => within(f, 'src/core'))) {
      const strings: string[] = [];
      const visit = (node: ts.Node) => {
        if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) strings.push(node.text);
        ts.forEachChild(node, visit);
      };
      visit(parse(file));
      for (const text of strings) if (/(^|[^-\w])--[a-z]/i.test(text) && !NOT_FLAGS[file]?.test(text)) found.push(`${file}: ${JSON.stringify(text.slice(0, 80))}`);
    }
    // Move the wording to src/cli (render/notes.ts words plan notes): core says what happened, as data.
    expect(found).toEqual([]);
  });

  it('names a platform outside its own folder only in the two registries', () => {
    const names = PLATFORM_NAMES;
    const home = (file: string, name: string) => REGISTRIES.includes(file) || pluginOf(file)?.endsWith(`/${name}`) === true;
    const found: string[] = [];
    for (const file of FILES) {
      const words = codeWords(file);
      for (const name of names) {
        if (home(file, name)) continue;
        const pattern = new RegExp(`\\b${name}\\b`, 'i');
        const hits = words.filter((w) => pattern.test(w));
        if (hits.length) found.push(`${file}: ${name} (${hits.slice(0, 2).map((h) => JSON.stringify(h.slice(0, 60))).join(', ')})`);
      }
    }
    // A platform's folder is named after its type. A hit here is a platform named elsewhere: move that
    // code into the platform's folder, derive it from the registry — or, if the word only happens to
    // be the name (a "demo" user), choose a more distinctive type for the platform.
    expect(found).toEqual([]);
  });

  it('keeps the emulator a leaf: no value list or wire shape comes from hrsync’s own code', () => {
    const leaks = FILES.filter((f) => within(f, 'src/sandbox')).flatMap((f) => importsOf(f).filter((t) => !within(t, 'src/sandbox') && !within(t, 'src/shared') && t !== 'src/errors.ts').map((t) => `${f} → ${t}`));
    expect(leaks).toEqual([]);
  });
});

/**
 * Every module a run of `args` (from `cwd`) loads: ES modules through a loader hook, CommonJS ones
 * through Module._load, each as its path relative to the checkout; and Node's own modules it loaded.
 * `entry`: the binary (the bundle), or `source` for the modules tsc built (dist/src), unbundled.
 */
async function modulesLoaded(args: string[], cwd: string, entry: 'binary' | 'source' = 'binary'): Promise<{ modules: string[]; builtins: string[]; code: number | null; stdout: string }> {
  const dir = tempDir();
  const list = join(dir, 'modules.txt');
  const builtins = join(dir, 'builtins.txt');
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(out, url + '\\n');
  return next(url, context);
}
`);
  writeFileSync(join(dir, 'count.mjs'), `import Module, { register } from 'node:module';
import { appendFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const out = ${JSON.stringify(list)};
register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)}, { data: { out } });
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try { const file = Module._resolveFilename(request, parent, isMain); if (file.startsWith('/') || /^[A-Za-z]:/.test(file)) appendFileSync(out, pathToFileURL(file).href + '\\n'); } catch {}
  return load.apply(this, arguments);
};
process.on('exit', () => writeFileSync(${JSON.stringify(builtins)}, process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join('\\n')));
`);
  const runner = join(dir, 'source.mjs');
  writeFileSync(runner, `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'main.js')).href)});\nprocess.exitCode = await main(process.argv);\n`);
  writeFileSync(list, '');
  const run = await new Promise<{ code: number | null; stdout: string }>((done) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(dir, 'count.mjs')).href, entry === 'binary' ? BIN : runner, ...args], { cwd, env: binaryEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => done({ code, stdout }));
  });
  const modules = [...new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean))].map((url) => relative(ROOT, fileURLToPath(url)).split('\\').join('/')).filter((m) => !m.startsWith('..'));
  return { ...run, modules, builtins: readFileSync(builtins, 'utf8').split('\n') };
}

/** What a command loads without using it: each a package or a module, by its path. */
const HEAVY = [
  /node_modules\/(zod|yaml|undici|exceljs|saxes|ora|i18n-iso-countries|libphonenumber-js|csv-stringify)\//,
  /^dist\/src\/(sandbox\/(server|platforms)|app\/embedded-sandbox|http\/client|config\/schema|connectors\/[a-z]+\/(schema|target)|cli\/render\/report-html|core\/mapping\/mapping-file|io\/(json|xlsx-[a-z]+|zip|xml-stream))\b/,
];

/** What a rules-only validate needs none of: a connector, the state store, locks, HTTP, the emulator. */
const TARGET_ONLY = [/node_modules\/pg\//, /^dist\/src\/(connectors|http|sandbox)\//, /^dist\/src\/app\/(state-|lock|bookmarks|sync-state|cache-folder|accepted-targets)/, /^dist\/src\/cli\/accepted-targets/];

/** The modules in the bundle's chunks that were loaded (dist/cli/modules.json, written by scripts/bundle.mjs). */
function bundled(files: string[]): string[] {
  const chunks = JSON.parse(readFileSync(join(ROOT, 'dist', 'cli', 'modules.json'), 'utf8')) as Record<string, string[]>;
  return files.flatMap((f) => (f.startsWith('dist/cli/') ? (chunks[f.slice('dist/cli/'.length)] ?? [f]) : [f]));
}

describe('start-up', () => {
  it('loads, for `validate FILE.csv --target generic`, only modules it uses: no zod, yaml, undici, exceljs, ora, emulator, connector, state store or chalk (on a pipe)', async () => {
    const { modules, code, stdout } = await modulesLoaded(['validate', 'samples/users.csv', '--target', 'generic'], tempProject(), 'source');
    expect([code, stdout]).toEqual([0, expect.stringContaining('valid for generic')]);
    expect(modules.some((m) => m.startsWith('dist/src/core/validate/'))).toBe(true); // the hook sees what loads
    expect(modules.filter((m) => [...HEAVY, ...TARGET_ONLY].some((re) => re.test(m)))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('node_modules/chalk/'))).toEqual([]); // no colour on a pipe: chalk is not loaded
  });

  it('runs the bundle: the same validate loads a dozen files, none of the heavy ones, and commander without node:child_process', async () => {
    const { modules, builtins, code, stdout } = await modulesLoaded(['validate', 'samples/users.csv', '--target', 'generic'], tempProject());
    expect([code, stdout]).toEqual([0, expect.stringContaining('valid for generic')]);
    expect(modules.filter((m) => !m.startsWith('dist/cli/') && m !== 'bin/hrsync.js')).toEqual([]); // commander and lilconfig are bundled
    // 16 since `undo` (issue 24): its --report page reaches the validation renderer without the input
    // flags, so rollup keeps input-flags (2 KB) in a chunk of its own, which validate loads too.
    // 17 since `map init` (issue 25): it shares the header modules (columns, synonyms, row) with validate
    // but not the rest of validation, so rollup keeps them in a chunk of their own, which validate loads too.
    // 18 since --max-invalid (issue 25): validate and import share core/validate/tolerance (1 KB), a chunk of its own.
    expect(modules.length).toBeLessThanOrEqual(18);
    const inside = bundled(modules);
    expect(inside).toEqual(expect.arrayContaining(['dist/src/core/validate/validate-files.js', 'dist/vendor/commander.mjs']));
    expect(inside.filter((m) => HEAVY.some((re) => re.test(m)))).toEqual([]);
    // (net loads: its standard streams are pipes here.)
    expect(builtins.filter((m) => ['child_process', 'dgram', 'tty', 'crypto'].includes(m))).toEqual([]);
  });

  it('answers --version from package.json alone', async () => {
    const { modules, code, stdout } = await modulesLoaded(['--version'], tempDir());
    expect([code, stdout.trim()]).toEqual([0, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version]);
    expect(modules).toEqual(['bin/hrsync.js']);
  });
});
