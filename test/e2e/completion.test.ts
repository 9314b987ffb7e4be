import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commandPath } from '../../src/cli/help.js';
import { BIN, binaryEnv, ROOT } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/files.js';
import { fullProgram, commandsBelow, hrsyncIn } from '../helpers/run.js';
import { PATIENCE_MS } from '../helpers/patience.js';

const run = promisify(execFile);
const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;

/**
 * A folder with a config (a writable target, a source) and `hrsync` on PATH — the built binary — as a
 * user who installed it has: the scripts ask it for --target names when TAB is pressed.
 */
function setup(shell: 'bash' | 'zsh' | 'fish') {
  const dir = tempDir();
  write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: 'https://a.example.com/api', apiKey: 'env:K' }, hr: { type: 'unified', connectionId: 'c', apiKey: 'env:U' } } }));
  write(dir, 'users.csv', 'Employee ID\n');
  mkdirSync(join(dir, 'bin'));
  chmodSync(write(dir, 'bin/hrsync', `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`), 0o755);
  mkdirSync(join(dir, 'fpath'));
  const env = binaryEnv({ PATH: `${join(dir, 'bin')}:${process.env.PATH}`, TMPDIR: dir, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir });
  return { dir, env, script: async () => (await hrsyncIn(['completion', shell], { cwd: dir })).stdout };
}

/** The cases every shell must complete the same way: the line typed before TAB, and what it must offer (and must not). */
const CASES: Array<[line: string, offers: string[], not?: string[]]> = [
  ['hrsync ', ['validate', 'import', 'apply', 'export', 'sandbox', 'targets', 'config', 'completion'], ['__targets', 'help']],
  ['hrsync tar', ['targets']],
  ['hrsync targets ', ['check']],
  ['hrsync config ', ['schema']],
  ['hrsync import --max', ['--max-missing']],
  ['hrsync import --missing ', ['ignore', 'deactivate', 'delete']],
  ['hrsync import --target ', ['lms', 'sandbox'], ['hr', 'generic']],
  ['hrsync export --target ', ['lms', 'hr', 'sandbox'], ['generic']],
  ['hrsync validate --target ', ['lms', 'sandbox', 'generic', 'accessplanit', 'scim'], ['hr']],
  ['hrsync import --from ', ['hr', 'lms']],
  ['hrsync export -f ', ['csv', 'json', 'ndjson']],
  ['hrsync completion ', ['bash', 'zsh', 'fish']],
  ['hrsync validate --quiet us', ['users.csv']],
];

function expectCompletions(line: string, got: string[], offers: string[], not: string[] = []) {
  for (const word of offers) expect(got, `${line}⇥`).toContain(word);
  for (const word of not) expect(got, `${line}⇥`).not.toContain(word);
}

describe('hrsync completion', () => {
  it.skipIf(!has('bash'))('bash: commands, subcommands, options, choices, --target names from the config, files', async () => {
    const { dir, env, script } = setup('bash');
    write(dir, 'hrsync.bash', await script());
    for (const [line, offers, not] of CASES) {
      const words = line.split(' ');
      const { stdout } = await run('bash', ['-c', `source ./hrsync.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _hrsync; printf '%s\\n' "\${COMPREPLY[@]}"; if [ \${#COMPREPLY[@]} -eq 0 ]; then compgen -f -- '${words.at(-1)}'; fi`], { cwd: dir, env });
      expectCompletions(line, stdout.split('\n').filter(Boolean), offers, not);
    }
  });

  it.skipIf(!has('fish'))('fish: the same', async () => {
    const { dir, env, script } = setup('fish');
    write(dir, 'hrsync.fish', await script());
    for (const [line, offers, not] of CASES) {
      const { stdout } = await run('fish', ['--no-config', '-c', `source ./hrsync.fish; complete -C ${JSON.stringify(line)}`], { cwd: dir, env });
      expectCompletions(line, stdout.split('\n').map((l) => l.split('\t')[0]!).filter(Boolean), offers, not);
    }
  });

  it.skipIf(!has('zsh'))('zsh: the same, through a real interactive zsh (zpty)', async () => {
    const { dir, env, script } = setup('zsh');
    write(dir, 'fpath/_hrsync', await script());
    for (const [line, offers, not] of CASES) {
      const { stdout } = await run('zsh', ['-f', join(ROOT, 'test/helpers/zsh-capture.zsh'), line, join(dir, 'fpath')], { cwd: dir, env, timeout: PATIENCE_MS });
      expectCompletions(line, stdout.split('\n').map((l) => l.trim()).filter(Boolean), offers, not);
    }
  });

  it('never drifts: the script offers every option of every command of the program', async () => {
    const cli = await fullProgram();
    const scripts = Object.fromEntries(await Promise.all((['bash', 'zsh', 'fish'] as const).map(async (shell) => [shell, (await hrsyncIn(['completion', shell])).stdout] as const)));
    for (const command of commandsBelow(cli)) {
      const path = commandPath(command);
      const options = command.options.filter((o) => !o.hidden).map((o) => o.long!);
      const bashOptions = new RegExp(`^ {4}"${path}"\\) echo "([^"]*)" ;;$`, 'm').exec(scripts.bash!.slice(scripts.bash!.indexOf('_hrsync_options()')))![1]!.split(' ');
      for (const long of [...options, '--help', '--quiet', '--no-color']) {
        expect(bashOptions, `bash: ${path} ${long}`).toContain(long);
        expect(scripts.fish, `fish: ${path} ${long}`).toContain(`-n '__hrsync_using ${path}'`);
        expect(scripts.zsh, `zsh: ${path} ${long}`).toContain(long);
      }
    }
  });

  it('is a usage error for another shell', async () => {
    const other = await hrsyncIn(['completion', 'powershell']);
    expect(other.code).toBe(64);
    expect(other.stderr).toContain('Allowed choices are bash, zsh, fish');
  });
});
