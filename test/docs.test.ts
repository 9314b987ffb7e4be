import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchor, referencePages, renderFields } from '../src/cli/reference-docs.js';
import { OPTIONS } from '../src/cli/options.js';
import { CONNECTORS } from '../src/connectors/registry.js';
import { FIELDS } from '../src/core/model/fields.js';
import { ISSUE_CODES, ISSUE_EXPLANATIONS } from '../src/core/model/issues.js';
import { ExitCode } from '../src/errors.js';
import { sandboxFlags } from '../src/sandbox/server.js';
import { ROOT } from './helpers/cli.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** README.md and every Markdown page under docs/, as paths from the root. */
function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir)).flatMap((name) => {
      const path = `${dir}/${name}`;
      return statSync(join(ROOT, path)).isDirectory() ? walk(path) : path.endsWith('.md') ? [path] : [];
    });
  return ['README.md', ...walk('docs')];
}

/** The anchors GitHub makes for a page's headings (a repeated heading gets -1, -2 …). */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const text = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = anchor(heading!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/** Every relative link of a page that points at no file, or at no heading of the page it names. */
function brokenLinks(path: string): string[] {
  const markdown = read(path).replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  const broken: string[] = [];
  for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target!) || target!.startsWith('//')) continue;
    const [file, hash] = target!.split('#') as [string, string | undefined];
    const resolved = file ? relative(ROOT, resolve(ROOT, dirname(path), file)) : path;
    if (!existsSync(join(ROOT, resolved))) {
      broken.push(`${path}: ${target} (no ${resolved})`);
      continue;
    }
    if (hash && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(hash)) broken.push(`${path}: ${target} (no heading #${hash} in ${resolved})`);
  }
  return broken;
}

describe('the reference pages under docs/reference/', () => {
  it('are what npm run docs generates now (run npm run docs after changing an option, a field, the config schema or an exit code)', async () => {
    for (const { path, markdown } of await referencePages()) {
      const current = existsSync(join(ROOT, path)) ? read(path) : '(missing)';
      expect(current === markdown, `${path} is not current: run npm run docs`).toBe(true);
      expect(markdown).toMatch(/do not edit/);
    }
  });

  it('are the same whatever the terminal, the colour settings or the config around them, and name no machine path', async () => {
    const first = await referencePages();
    const env = { ...process.env };
    try {
      Object.assign(process.env, { COLUMNS: '37', FORCE_COLOR: '1', NO_COLOR: '', HRSYNC_CONFIG: join(ROOT, 'samples', 'hrsync.config.example.json') });
      expect(await referencePages()).toEqual(first);
    } finally {
      process.env = env;
    }
    for (const { markdown } of first) expect(markdown).not.toContain(ROOT);
  });

  it('a change to a table changes its page', () => {
    const fields = { ...FIELDS, groups: [...FIELDS.groups, { name: 'colour', kind: 'string' as const, aliases: ['hue'], description: 'a new field' }] };
    expect(renderFields(fields)).not.toEqual(renderFields());
    expect(renderFields(fields)).toContain('| `colour` | string | a new field | hue |');
  });

  it('document every option (the sandbox’s own flags too), every canonical field, every config target type and every exit code', async () => {
    const pages = Object.fromEntries((await referencePages()).map((p) => [p.path, p.markdown]));
    const commands = pages['docs/reference/commands.md']!;
    for (const spec of Object.values(OPTIONS)) expect(commands).toContain(`\`${spec.flags.replace(/\|/g, '\\|')}\``);
    for (const [, spec] of sandboxFlags()) expect(commands).toContain(`\`${spec.flags}\``);
    for (const command of ['targets check [name]', 'state history [target]', 'config schema', 'completion <shell>']) expect(commands).toContain(`\`hrsync ${command}\``);
    for (const [entity, defs] of Object.entries(FIELDS)) for (const d of defs) expect(pages['docs/reference/fields.md'], `${entity}.${d.name}`).toContain(`| \`${d.name}\` |`);
    for (const connector of CONNECTORS) expect(pages['docs/reference/config.md']).toContain(`### \`"type": "${connector.type}"\``);
    for (const code of Object.values(ExitCode)) expect(pages['docs/reference/exit-codes.md']).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    for (const code of ISSUE_CODES) expect(pages['docs/reference/issue-codes.md'], code).toContain(`| \`${code}\` | ${ISSUE_EXPLANATIONS[code].slice(0, 20)}`);
  });
});

describe('the README and the guides', () => {
  const readme = read('README.md');

  it('the README is a tour: at most 300 lines, with the quick start’s two command lines as CI and the tests run them', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
    expect(readme).toContain('npm ci && npx hrsync import samples/users.csv');
    expect(readme).toContain('npm ci && npm test');
    expect(read('.ci/run')).toMatch(/^npm ci && npm test$/m);
    for (const heading of ['## Quick start', '## A ten-minute tour', '## Documentation']) expect(readme).toContain(heading);
  });

  it('every relative link of README.md and docs/**/*.md finds its file, and its heading', () => {
    expect(markdownFiles().flatMap(brokenLinks)).toEqual([]);
    // The README links every guide and reference page.
    for (const path of markdownFiles().filter((p) => /^docs\/(guides|reference)\//.test(p))) expect(readme, path).toContain(`](${path})`);
  });

  it('the check finds a link to a missing file or heading', () => {
    expect(anchorsOf('# A `b` c\n## Every target\n## Every target\n```\n# not a heading\n```\n')).toEqual(new Set(['a-b-c', 'every-target', 'every-target-1']));
    expect(anchor('`"type": "postgres"`'.replace(/`/g, ''))).toBe('type-postgres');
    expect(anchor('Bookmarks: `--since last`'.replace(/`/g, ''))).toBe('bookmarks---since-last');
  });

  it('the platforms guide names every platform, and gives every platform hrsync writes to a row of rules', () => {
    const platforms = read('docs/guides/platforms.md');
    for (const connector of CONNECTORS) {
      expect(platforms.toLowerCase(), connector.type).toContain(connector.type);
      if (connector.role === 'target') expect(platforms, connector.type).toMatch(new RegExp(`^\\| \`${connector.type}\` \\|`, 'm'));
    }
  });

  it('the validate guide names every issue code', () => {
    const validate = read('docs/guides/validate.md');
    for (const code of ISSUE_CODES) expect(validate).toContain(`\`${code}\``);
  });
});
