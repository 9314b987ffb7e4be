import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandboxClients } from '../../src/sandbox/server.js';
import { countRequests } from '../../src/sandbox/stats.js';
import { configProject, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

// Who a row is, end to end through the CLI (issue 23 items 5 and 6) on accessplanit and SCIM: a rehire is
// reactivated, never created again; a new HR id on an existing account is a conflict unless the target
// adopts it; an email change of a person found by HR id is an email update; an email another account
// holds is a conflict naming both. Text, --format json and the --report page each show the decision.

const PLATFORMS = [
  { type: 'accessplanit', off: 'Disabled', on: 'Enabled', more: ',Company ID', cell: ',ACME01' },
  { type: 'scim', off: 'inactive', on: 'active', more: '', cell: '' },
] as const;
const HEAD = 'Employee ID,First name,Last name,Email,Job title';

describe.each(PLATFORMS)('who a row is, on $type', ({ type, off, on, more, cell }) => {
  const sandbox = useSandbox();
  const project = (settings: Record<string, unknown> = {}) => {
    const client = sandboxClients(sandbox()).find((c) => c.config.type === type)!;
    return { dir: configProject({ t: { ...client.config, ...settings } }), env: client.env as Record<string, string> };
  };
  const writes = () => countRequests(sandbox().stats(), { method: ['POST', 'PUT', 'PATCH', 'DELETE'] });
  // accessplanit needs each user's company: a column the other platforms do not take.
  const importing = (p: { dir: string; env: Record<string, string> }, file: string, rows: string[], args: string[], head = HEAD) => {
    write(p.dir, file, [head + more, ...rows.map((r) => r + cell)].join('\n') + '\n');
    return hrsyncIn(['import', file, '--target', 't', ...args], { cwd: p.dir, env: p.env });
  };
  const json = (stdout: string) => JSON.parse(stdout) as { operations: Array<{ key: string; changes?: Array<{ field: string; from: unknown; to: unknown; reason?: { code: string } }> }>; conflicts: Array<{ key: string; code?: string; message: string }>; notes: string[] };

  it('a rehire (same HR id, deactivated on the target) is reactivated, never created again', async () => {
    const p = project();
    const start = await importing(p, 'start.csv', ['R1,Rita,Hire,rita.rehire@acme.example,Clerk'], ['--yes']);
    expect(start.code, start.stdout + start.stderr).toBe(0);
    const left = await importing(p, 'leave.csv', [`R1,Rita,Hire,rita.rehire@acme.example,Clerk,${off}`], ['--yes'], `${HEAD},Status`);
    expect(left.stdout).toContain(`status: "${on === 'Enabled' ? 'New' : on}" → "${off}"`);

    const dry = await importing(p, 'back.csv', ['R1,Rita,Hire,rita.rehire@acme.example,Clerk'], ['--dry-run', '--report', 'plan.html']);
    expect(dry.stdout, dry.stderr).toContain('Plan: 0 to create, 1 to update, 0 unchanged.');
    expect(dry.stdout).toMatch(/~ update users externalId=R1 id \S+ \(back\.csv:2\) reactivated \(rehire\)\n/);
    expect(dry.stdout).toContain(`    status: "${off}" → "${on}" (reactivated (rehire): deactivated on the target, active in HR again)`);
    const html = readFileSync(join(p.dir, 'plan.html'), 'utf8');
    expect(html).toContain('data-reason="rehire"');
    expect(html).toContain('reactivated (rehire): deactivated on the target, active in HR again');
    const asJson = json((await importing(p, 'back.csv', ['R1,Rita,Hire,rita.rehire@acme.example,Clerk'], ['--dry-run', '--format', 'json'])).stdout);
    expect(asJson.operations[0]!.changes).toEqual([{ field: 'status', from: off, to: on, reason: { code: 'rehire' } }]);

    const back = await importing(p, 'back.csv', ['R1,Rita,Hire,rita.rehire@acme.example,Clerk'], ['--yes']);
    expect(back.code, back.stdout + back.stderr).toBe(0);
    const again = await importing(p, 'back.csv', ['R1,Rita,Hire,rita.rehire@acme.example,Clerk'], ['--dry-run', '--detailed-exitcode']);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.'); // active again: one account, not two
    expect(again.code).toBe(0);
  });

  it('a new HR id on an existing email is a conflict for review (nothing written); a target that adopts gives the account the new id', async () => {
    const p = project();
    expect((await importing(p, 'start.csv', ['K1,Cole,Contract,cole.contract@acme.example,Temp'], ['--yes'])).code).toBe(0);
    const before = writes();
    const convert = ['E7001,Cole,Contract,cole.contract@acme.example,Driver'];
    const run = await importing(p, 'convert.csv', convert, ['--yes', '--report', 'run.html']);
    expect(run.code, run.stdout + run.stderr).toBe(3); // rows left out: the input's problem
    expect(run.stdout).toMatch(/! conflict users convert\.csv:2: externalId=E7001 is a new HR id, but email=cole\.contract@acme\.example finds user id \S+, whose externalId is K1: the same person under a new HR id \(a conversion, or a rehire under a new id\)\? Nothing is written for it until a person decides\n/);
    expect(run.stdout).toContain('note: 1 user has a new HR id on an account of');
    expect(run.stdout).toContain('set "onNewHrId": "adopt" on the target in the config');
    expect(writes()).toBe(before);
    expect(readFileSync(join(p.dir, 'run.html'), 'utf8')).toContain('externalId=E7001 is a new HR id');
    const asJson = json((await importing(p, 'convert.csv', convert, ['--dry-run', '--format', 'json'])).stdout);
    expect(asJson.conflicts).toEqual([expect.objectContaining({ key: 'externalId=E7001', code: 'new_hr_id' })]);
    expect(asJson.notes).toEqual([expect.stringContaining('set "onNewHrId": "adopt" on the target in the config')]);

    const adopting = { dir: p.dir, env: p.env };
    write(p.dir, 'hrsync.config.json', JSON.stringify({ targets: { t: { ...sandboxClients(sandbox()).find((c) => c.config.type === type)!.config, onNewHrId: 'adopt' } } }));
    const adopted = await importing(adopting, 'convert.csv', convert, ['--yes']);
    expect(adopted.code, adopted.stdout + adopted.stderr).toBe(0);
    expect(adopted.stdout).toMatch(/~ update users externalId=E7001 id \S+ \(convert\.csv:2\) HR id adopted\n/);
    expect(adopted.stdout).toContain('    externalId: "K1" → "E7001" (adopted: the account found by email=cole.contract@acme.example takes the new HR id (onNewHrId: adopt))');
    const again = await importing(adopting, 'convert.csv', convert, ['--dry-run']);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.');
  });

  it('an email change of a person found by HR id is an email update; an email another account holds is a conflict naming both', async () => {
    const p = project();
    expect((await importing(p, 'start.csv', ['M1,Max,Move,max@acme.example,Clerk', 'M2,Mo,Other,mo@acme.example,Clerk'], ['--yes'])).code).toBe(0);
    const moved = await importing(p, 'moved.csv', ['M1,Max,Move,max.move@acme.example,Clerk', 'M2,Mo,Other,mo@acme.example,Clerk'], ['--yes']);
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    expect(moved.stdout).toContain('    email: "max@acme.example" → "max.move@acme.example" (same person: matched by externalId)');
    const before = writes();
    const taken = await importing(p, 'taken.csv', ['M1,Max,Move,mo@acme.example,Boss'], ['--yes']);
    expect(taken.code).toBe(3);
    expect(taken.stdout).toMatch(/externalId=M1 finds user id \S+ \(email max\.move@acme\.example\), but its email=mo@acme\.example belongs to another user, id \S+ \(externalId M2\): nothing is written for either/);
    expect(writes()).toBe(before);
  });
});

// Managers first (issue 23 item 7): references between people resolved within one run whatever the
// file order — new managers and managers' key changes before their reports — and a circle a conflict.
describe.each(PLATFORMS)('managers first, on $type', ({ type, more, cell }) => {
  const sandbox = useSandbox();
  it('whatever the file order: a new manager, a manager whose email changes, circles of two and of three', async () => {
    const client = sandboxClients(sandbox()).find((c) => c.config.type === type)!;
    const p = { dir: configProject({ t: client.config }), env: client.env as Record<string, string> };
    const head = 'Employee ID,First name,Last name,Email,Manager email' + more;
    const run = (file: string, rows: string[], args: string[]) => {
      write(p.dir, file, [head, ...rows.map((r) => r + cell)].join('\n') + '\n');
      return hrsyncIn(['import', file, '--target', 't', ...args], { cwd: p.dir, env: p.env });
    };
    expect((await run('start.csv', ['B1,Bea,Boss,bea@acme.example,'], ['--yes'])).code).toBe(0);
    const team = [
      'R1,Rae,Report,rae@acme.example,bea.boss@acme.example', // names the manager by the email this run gives her
      'R2,Ray,Report,ray@acme.example,nia@acme.example', // names a manager this run creates, further down
      'B1,Bea,Boss,bea.boss@acme.example,',
      'N1,Nia,New,nia@acme.example,bea.boss@acme.example',
      'A1,Ann,Two,a1@acme.example,a2@acme.example',
      'A2,Abe,Two,a2@acme.example,a1@acme.example',
      'C1,Cy,Three,c1@acme.example,c2@acme.example',
      'C2,Cal,Three,c2@acme.example,c3@acme.example',
      'C3,Cat,Three,c3@acme.example,c1@acme.example',
    ];
    const first = await run('team.csv', team, ['--yes']);
    expect(first.code, first.stdout + first.stderr).toBe(5); // applied, rows left out: the circles
    expect(first.stdout).toContain('Plan: 3 to create, 1 to update, 0 unchanged, 5 conflicts skipped.');
    expect(first.stdout).toContain('externalId=A1 and the records it must wait for name each other in a circle (externalId=A1 → externalId=A2 → externalId=A1)');
    expect(first.stdout).toContain('externalId=C1 and the records it must wait for name each other in a circle (externalId=C1 → externalId=C2 → externalId=C3 → externalId=C1)');
    expect(first.stderr).toContain('4 changes applied, 0 failed');
    const again = await run('team.csv', team, ['--dry-run']);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 4 unchanged, 5 conflicts skipped.');
  });
});

/** A project whose config has the sandbox's Springest as target "go". */
function springest(sandbox: ReturnType<typeof useSandbox>) {
  const client = sandboxClients(sandbox()).find((c) => c.config.type === 'springest')!;
  return { dir: configProject({ go: client.config }), env: client.env as Record<string, string> };
}

describe('managers first, on Springest (planned blind)', () => {
  const sandbox = useSandbox();
  it('a new report naming an inactive approver is sent without that approver, with a note, and is not planned again', async () => {
    const p = springest(sandbox);
    const run = (file: string, rows: string[]) => {
      write(p.dir, file, ['Employee ID,First name,Last name,Email,Approvers,Status', ...rows].join('\n') + '\n');
      return hrsyncIn(['import', file, '--target', 'go', '--yes'], { cwd: p.dir, env: p.env });
    };
    expect((await run('start.csv', ['S1,Sam,Super,sam@go.example,,active'])).code).toBe(0);
    const rows = ['S1,Sam,Super,sam@go.example,,inactive', 'T1,Tia,Team,tia@go.example,sam@go.example,active', 'T2,Tom,Team,tom@go.example,tia@go.example,active'];
    const first = await run('team.csv', rows);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/note: 1 user names an approver or manager who is inactive on springest "go" or made so by this run \(the first: team\.csv:3 names sam@go\.example\): the platform refuses an inactive one, so that reference is not sent/);
    const tia = [...sandbox().state().springest.values()][0]!.find((u) => u.external_id === 'T1')!;
    expect(tia.approvers ?? []).toEqual([]);
    const again = await run('team.csv', rows);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 3 unchanged.');
  });
});

describe('rehires on Springest (planned blind)', () => {
  const sandbox = useSandbox();
  it('a person sent inactive, then in the input again without a status, is looked up and reactivated, once', async () => {
    const p = springest(sandbox);
    const run = (file: string, text: string, args = ['--yes']) => {
      write(p.dir, file, text);
      return hrsyncIn(['import', file, '--target', 'go', ...args], { cwd: p.dir, env: p.env });
    };
    const user = () => [...sandbox().state().springest.values()][0]!.find((u) => u.external_id === 'H1')!;
    expect((await run('start.csv', 'Employee ID,First name,Last name,Email,Status\nH1,Hal,Hire,hal@go.example,active\n')).code).toBe(0);
    expect((await run('leave.csv', 'Employee ID,First name,Last name,Email,Status\nH1,Hal,Hire,hal@go.example,inactive\n')).code).toBe(0);
    expect(user().active).toBe(false);
    const back = await run('back.csv', 'Employee ID,First name,Last name,Email\nH1,Hal,Hire,hal@go.example\n');
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(back.stdout).toContain('~ update users externalId=H1 (back.csv:2) reactivated (rehire)');
    expect(back.stdout).toContain('    status: "inactive" → "active" (reactivated (rehire): deactivated on the target, active in HR again)');
    expect(user().active).toBe(true);
    const again = await run('back.csv', 'Employee ID,First name,Last name,Email\nH1,Hal,Hire,hal@go.example\n');
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.');
  });
});
