import { describe, expect, it } from 'vitest';
import { commandPath } from '../../src/cli/help.js';
import { quietStream } from '../../src/cli/quiet.js';
import { colourOn } from '../../src/cli/terminal.js';
import { configProject, tempDir, write } from '../helpers/files.js';
import { commandsBelow, fullProgram, hrsyncIn, tempProject } from '../helpers/run.js';

/** Help text with its wrapping undone: one line per option or paragraph is not needed to find a phrase. */
const flat = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** A project with a target of each role: lms (accessplanit), go (springest), hr (unified, a source). */
function project(): string {
  return configProject(
    {
      lms: { type: 'accessplanit', baseUrl: 'https://acme.accessplanit.com/accessplan/api/v2', apiKey: 'env:AP_KEY' },
      go: { type: 'springest', sites: { nl: { baseUrl: 'https://acme.api.go.springest.nl', apiKey: 'env:SP_KEY' } } },
      hr: { type: 'unified', connectionId: 'c1', apiKey: 'env:UNIFIED_KEY' },
    },
    { defaultTarget: 'lms' },
  );
}

describe('help', () => {
  it('every command and subcommand has examples, and no repeatable option shows (default: [])', async () => {
    const paths = commandsBelow(await fullProgram()).map(commandPath);
    expect(paths).toEqual(expect.arrayContaining(['validate', 'import', 'apply', 'export', 'sandbox', 'targets', 'targets check', 'config', 'config schema', 'completion']));
    for (const path of paths) {
      const run = await hrsyncIn([...path.split(' '), '--help']);
      expect(run.code, path).toBe(0);
      expect(run.stdout, path).toMatch(/\nExamples:\n {2}(\$|#) /);
      expect(run.stdout, path).not.toContain('(default: [])');
    }
  });

  it('the top-level help lists the subcommands too (targets check), and the global options', async () => {
    const run = await hrsyncIn(['--help']);
    expect(run.stdout).toMatch(/^ {2}targets check \[name\] +sign in to each target/m);
    expect(run.stdout).toMatch(/^ {2}config schema +print the JSON Schema/m);
    expect(run.stdout).toMatch(/^ {2}completion +print a shell completion script/m);
    expect(run.stdout).toContain('-q, --quiet');
    expect(run.stdout).toContain('--no-color');
    expect(run.stdout).not.toContain('__targets');
  });

  it('each command’s --target help names only what that command accepts, from the config', async () => {
    const dir = project();
    const targetHelp = async (command: string) => flat((await hrsyncIn([command, '--help'], { cwd: dir })).stdout).match(/--target <name> (.*?) -c, --config/)![1]!;
    const exporting = await targetHelp('export');
    expect(exporting).toContain('a configured target (lms, go, hr) or "sandbox"');
    expect(exporting).toContain('(default: lms)');
    expect(exporting).not.toMatch(/generic|accessplanit/);
    const importing = await targetHelp('import');
    expect(importing).toContain('a configured target hrsync writes to (lms, go) or "sandbox"');
    expect(importing).not.toMatch(/\bhr\b|generic/);
    const validating = await targetHelp('validate');
    expect(validating).toContain('a configured target (lms, go), "sandbox", or rules only: generic, accessplanit, appenate, springest, scim');
    expect(validating).not.toMatch(/\bhr\b|unified/);
    // With no config, it says so and what the default is.
    expect(flat((await hrsyncIn(['validate', '--help'])).stdout)).toContain('a configured target (none here), "sandbox", or rules only: generic, accessplanit, appenate, springest, scim (default: the config’s defaultTarget, else the accessplanit rules, offline)');
  });
});

describe('--match', () => {
  it('a mistyped field is a usage error with a suggestion, before anything is read', async () => {
    for (const [typo, meant] of [
      ['emial', 'email'],
      ['externalID', 'externalId'],
    ])
      {
        const run = await hrsyncIn(['import', 'samples/users.csv', '--dry-run', '--match', `externalId,${typo}`]);
        expect(run.code).toBe(64);
        expect(run.stderr).toContain(`--match: "${typo}" is not a field; did you mean "${meant}"?`);
        expect(run.stderr).not.toContain('embedded sandbox');
      }
    const far = await hrsyncIn(['import', 'samples/users.csv', '--dry-run', '--match', 'payroll']);
    expect(far.code).toBe(64);
    expect(far.stderr).toContain('hint: match keys are canonical field names');
  });
});

describe('--quiet', () => {
  it('leaves only errors on stderr; stdout unchanged', async () => {
    const dir = tempProject();
    const loud = await hrsyncIn(['import', 'samples/users.csv', '--dry-run'], { cwd: dir });
    expect(loud.stderr).toContain('embedded sandbox');
    const quiet = await hrsyncIn(['import', 'samples/users.csv', '--dry-run', '--quiet'], { cwd: dir });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(loud.stdout);
    // Before the command, too, and errors stay: each invalid row, with its hint.
    const invalid = await hrsyncIn(['-q', 'import', 'samples/invalid/users.csv', 'samples/companies.csv', '--dry-run'], { cwd: dir });
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('samples/invalid/users.csv:2  error    email "jan@@acme.nl" is not a valid email address');
    expect(invalid.stderr).toContain('hint: did you mean "Sir"?');
    expect(invalid.stderr).not.toContain('embedded sandbox');
    // A warning is not an error.
    write(dir, 'shoes.csv', 'Employee ID,First name,Last name,Company ID,Shoe size\nS1,Ann,Lee,ACME01,38\n');
    const warned = await hrsyncIn(['import', 'shoes.csv', '--dry-run'], { cwd: dir });
    expect(warned.stderr).toMatch(/shoes.csv:1 +warning /);
    expect((await hrsyncIn(['import', 'shoes.csv', '--dry-run', '--quiet'], { cwd: dir })).stderr).toBe('');
    const failed = await hrsyncIn(['validate', 'missing.csv', '--quiet'], { cwd: dir });
    expect(failed.stderr).toBe('error: missing.csv: no such file\n');
  });

  it('keeps the lines that follow an error, drops those that follow anything else', () => {
    let out = '';
    const quiet = quietStream({ write: (t) => ((out += t), true) });
    quiet.write('note: using the embedded sandbox\n  indented under a note\n');
    quiet.write('3 changes applied, 1 failed, 0 skipped; results in x\n  failed update users externalId=E1: 400\n');
    quiet.write('warning: a\nhint: about the warning\nerror: bad');
    quiet.write(' thing\nhint: fix it\n');
    expect(out).toBe('3 changes applied, 1 failed, 0 skipped; results in x\n  failed update users externalId=E1: 400\nerror: bad thing\nhint: fix it\n');
  });
});

describe('colour', () => {
  it('FORCE_COLOR=0 turns it off even on a terminal; --no-color sets that; NO_COLOR too; FORCE_COLOR=1 on', () => {
    const tty = { write: () => true, isTTY: true };
    const pipe = { write: () => true, isTTY: false };
    expect(colourOn(tty, {})).toBe(true);
    expect(colourOn(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourOn(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colourOn(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourOn(tty, { TERM: 'dumb' })).toBe(false);
    expect(colourOn(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourOn(pipe, {})).toBe(false);
  });
});
