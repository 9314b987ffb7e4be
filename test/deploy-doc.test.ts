import { readFileSync } from 'node:fs';
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fullProgram } from './helpers/run.js';

const deploy = readFileSync(new URL('../docs/guides/nightly.md', import.meta.url), 'utf8');
/** The guide's "The tenant's config" section. */
const tenantConfig = deploy.slice(deploy.indexOf("## The tenant's config"), deploy.indexOf('\n## ', deploy.indexOf("## The tenant's config") + 3));

/** The YAML blocks of a Markdown page, each parsed (every document of it). */
function yamlBlocks(markdown: string): unknown[] {
  return [...markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].flatMap(([, text]) => {
    const documents = parseAllDocuments(text!);
    for (const d of documents) expect(d.errors.map((e) => e.message), text!.slice(0, 80)).toEqual([]);
    return documents.map((d) => d.toJS() as unknown);
  });
}

/** Words a shell sees (quotes removed), with its operators and redirections as words of their own. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /\s*(?:(\d?>>?|<|\|\||\||&&|;|\$\(|\)|&)|((?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"|&;<>()])+))/y;
  for (let m; (m = pattern.exec(line)) && m[0].trim() !== ''; ) words.push(m[1] ?? m[2]!.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g, '$1$2'));
  return words;
}

const OPERATORS = new Set(['|', '||', '&&', ';', '$(', ')', '&']);
const STARTS = new Set([...OPERATORS, 'then', 'do', 'else', '!', 'exec', 'time']);

/** Every hrsync command line in a shell script: argv after `hrsync`, up to an operator or a redirection. */
function hrsyncLines(script: string): string[][] {
  const lines = script.replace(/\\\n/g, ' ').replace(/\$\{\{[^}]*\}\}/g, 'EXPR').split('\n');
  return lines.flatMap((line) => {
    const words = shellWords(line.replace(/#.*$/, ''));
    return words.flatMap((word, i) => {
      if (word !== 'hrsync' || (i > 0 && !STARTS.has(words[i - 1]!))) return [];
      const rest = words.slice(i + 1);
      const end = rest.findIndex((w) => OPERATORS.has(w) || /^\d?>>?$|^<$/.test(w));
      return [end === -1 ? rest : rest.slice(0, end)];
    });
  });
}

/** hrsync command lines anywhere in parsed YAML: shell scripts in strings, and containers' command + args (`hrsync …`, or `sh -c SCRIPT`). */
function commandLines(value: unknown): string[][] {
  // A bare "hrsync" (a label, a container's name) runs nothing.
  if (typeof value === 'string') return hrsyncLines(value).filter((argv) => argv.length > 0);
  if (Array.isArray(value)) return value.flatMap(commandLines);
  if (value && typeof value === 'object') {
    const { command, args, ...rest } = value as { command?: unknown; args?: unknown };
    const argv = [...(Array.isArray(command) ? command : []), ...(Array.isArray(args) ? args : [])].map(String);
    const own = argv[0] === 'hrsync' ? [argv.slice(1)] : /^(ba)?sh$/.test(argv[0] ?? '') && argv[1] === '-c' ? hrsyncLines(argv[2] ?? '') : [];
    return [...own, ...(command && !Array.isArray(command) ? commandLines(command) : []), ...(args && !Array.isArray(args) ? commandLines(args) : []), ...Object.values(rest).flatMap(commandLines)];
  }
  return [];
}

/** What is wrong with an hrsync command line, checked against the program itself: [] when nothing. */
function problems(argv: string[], cli: Command): string[] {
  const found: string[] = [];
  const optionOf = (command: Command, flag: string): Option | undefined => {
    for (let c: Command | null = command; c; c = c.parent) {
      const option = c.options.find((o) => o.long === flag || o.short === flag);
      if (option) return option;
    }
    return flag === '--help' || flag === '-h' ? ({ required: false, optional: false } as Option) : undefined;
  };
  let command = cli;
  let arguments_ = false;
  let i = 0;
  const literal = (value: string) => !/^\$|EXPR/.test(value);
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.startsWith('-') && word !== '-') {
      const [flag, inline] = word.split(/=(.*)/s) as [string, string | undefined];
      const option = optionOf(command, flag);
      if (!option) {
        found.push(`${['hrsync', ...path(command)].join(' ')}: unknown option ${flag}`);
        continue;
      }
      if (option.required || option.optional) {
        const value = inline ?? argv[++i];
        if (value === undefined) found.push(`${flag} needs a value`);
        else if (option.argChoices && literal(value) && !option.argChoices.includes(value)) found.push(`${flag} ${value}: not one of ${option.argChoices.join(', ')}`);
      }
      continue;
    }
    // Command words come first (options may be among them); then the arguments.
    const sub = arguments_ ? undefined : command.commands.find((c) => c.name() === word);
    if (sub) command = sub;
    else if (command === cli) found.push(`hrsync ${word}: no such command`);
    else arguments_ = true;
  }
  if (command === cli && !argv.some((a) => a === '--version' || a === '-V' || a === '--help')) found.push('no command');
  return found;
}

const path = (command: Command): string[] => (command.parent ? [...path(command.parent), command.name()] : []);

describe('docs/guides/nightly.md', () => {
  it('its YAML parses, and every hrsync command line in it names only commands and flags hrsync has', async () => {
    const cli = await fullProgram();
    const lines = yamlBlocks(deploy).flatMap(commandLines);
    // The workflow and the manifests do run hrsync: the extraction found them.
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(new Set(lines.map((l) => l.filter((w) => !w.startsWith('-'))[0]))).toEqual(new Set(['targets', 'import', 'apply', 'state']));
    for (const line of lines) expect(problems(line, cli), `hrsync ${line.join(' ')}`).toEqual([]);
    // Both keep the state in PostgreSQL: a runner that starts fresh loses nothing.
    expect(deploy.match(/HRSYNC_STATE_URL/g)!.length).toBeGreaterThanOrEqual(3);
  });

  it('its tenant config is a valid config that asks for the PostgreSQL state', async () => {
    const blocks = yamlBlocks(tenantConfig);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ state: { type: 'postgres', url: 'env:HRSYNC_STATE_URL' } });
    const { configSchema } = await import('../src/config/schema.js');
    expect(configSchema.safeParse(blocks[0]).success).toBe(true);
  });

  it('the check catches a mistyped command, flag or value', async () => {
    const cli = await fullProgram();
    const yaml = `
steps:
  - run: |
      hrsync imprt users.csv
      set +e; hrsync import users.csv --dry-runn --format json > plan.json
      hrsync export --format xml -o x.xml && echo done
      npm install --global hrsync@0.1.0
containers:
  - command: ['hrsync']
    args: ['targets', 'check', '--formatt', 'json']
  - name: hrsync
    command: ['sh', '-c', 'hrsync validate - --target lms --format yaml < users.csv']
`;
    const lines = yamlBlocks(`\`\`\`yaml\n${yaml}\`\`\`\n`).flatMap(commandLines);
    expect(lines).toEqual([
      ['imprt', 'users.csv'],
      ['import', 'users.csv', '--dry-runn', '--format', 'json'],
      ['export', '--format', 'xml', '-o', 'x.xml'],
      ['targets', 'check', '--formatt', 'json'],
      ['validate', '-', '--target', 'lms', '--format', 'yaml'],
    ]);
    expect(lines.map((l) => problems(l, cli))).toEqual([
      ['hrsync imprt: no such command', 'hrsync users.csv: no such command', 'no command'],
      ['hrsync import: unknown option --dry-runn'],
      ['--format xml: not one of csv, json, ndjson, xlsx'],
      ['hrsync targets check: unknown option --formatt'],
      ['--format yaml: not one of text, json, github'],
    ]);
  });
});

describe('the README and the guides', () => {
  it('every hrsync command line in their shell blocks names only commands, flags and values hrsync has', async () => {
    const cli = await fullProgram();
    const { readdirSync } = await import('node:fs');
    const pages = ['README.md', ...readdirSync(new URL('../docs/guides', import.meta.url)).map((f) => `docs/guides/${f}`)];
    let count = 0;
    for (const page of pages) {
      const text = readFileSync(new URL(`../${page}`, import.meta.url), 'utf8');
      for (const [, script] of text.matchAll(/^```(?:sh)?\n([\s\S]*?)^```$/gm)) {
        if (!/^\s*(curl|hrsync|HRSYNC|[A-Z_]+=)/m.test(script!)) continue;
        for (const line of hrsyncLines(script!).filter((argv) => argv.length > 0)) {
          count++;
          expect(problems(line, cli), `${page}: hrsync ${line.join(' ')}`).toEqual([]);
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(10);
  });
});
