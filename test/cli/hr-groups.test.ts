import { describe, expect, it } from 'vitest';
import { countRequests } from '../../src/sandbox/stats.js';
import { targetsProject, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { KEY: 'sandbox-key' };
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('HR → LMS: the HR system’s departments and groups (Unified) placed on a target (SCIM)', () => {
  const sandbox = useSandbox();

  it('imports --from hr with a value table renaming HR groups to the target’s; a re-run makes no write', async () => {
    const s = sandbox();
    const dir = targetsProject({
      lms: { type: 'scim', baseUrl: s.urls.scim, token: 'env:KEY' },
      hr: { type: 'unified', baseUrl: s.urls.unified, connectionId: 'sandbox', apiKey: 'env:KEY' },
    });
    const run = (args: string[]) => hrsyncIn(args, { cwd: dir, env: ENV });
    // The target's own groups, named as the LMS names them.
    write(dir, 'lms-groups.csv', 'Label\nFire Safety\nFirst Aid\n');
    expect((await run(['import', 'lms-groups.csv', '--yes'])).code).toBe(0);
    // The HR team "Fire Wardens" and group "First Aiders" are the LMS's "Fire Safety" and "First Aid"; no other HR group may pass.
    // (Managers are left out: a manager ON_LEAVE is never created, so the reports naming one would fail.)
    const values = { groups: { map: { 'Fire Wardens': 'Fire Safety', 'first aiders': 'First Aid' }, unmapped: 'error' } };
    write(dir, 'hr-map.json', JSON.stringify({ users: { columns: { managerEmail: null }, values } }));

    const applied = await run(['import', '--from', 'hr', '--map', 'hr-map.json', '--yes']);
    expect(applied.code, applied.stderr).toBe(5); // the employees ON_LEAVE are refused by the target's rules, as before
    expect(applied.stdout).toContain('Plan: 253 to create, 0 to update, 0 unchanged, 10 invalid rows skipped, 37 leavers.');
    const users = s.state().scim.Users.rows();
    const byId = new Map(users.map((u) => [u.id, u]));
    const members = (label: string) => {
      const group = s.state().scim.Groups.rows().find((g) => g.displayName === label)!;
      return ((group.members ?? []) as Array<{ value: string }>).map((m) => String(byId.get(m.value)?.externalId)).sort();
    };
    const wardens = members('Fire Safety');
    expect(wardens.length).toBeGreaterThanOrEqual(10); // every 23rd of 300, less any ON_LEAVE
    expect(wardens.every((id) => (Number(id.slice(1)) - 3000) % 23 === 0)).toBe(true);
    const aiders = members('First Aid'); // named by id alone on the employees: named from /group
    expect(aiders.length).toBeGreaterThanOrEqual(14);
    expect(aiders.every((id) => (Number(id.slice(1)) - 3000) % 17 === 0)).toBe(true);
    // The department goes where the target keeps one (SCIM: the enterprise extension).
    const nurse = users.find((u) => u.title === 'Nurse' && String(u.externalId).startsWith('E3'))!;
    expect((nurse[ENTERPRISE] as Record<string, unknown>).department).toBe('Clinical');

    const before = s.stats();
    const again = await run(['import', '--from', 'hr', '--map', 'hr-map.json', '--yes']);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 253 unchanged, 10 invalid rows skipped, 37 leavers.');
    expect(countRequests(s.stats(), { method: WRITES }) - countRequests(before, { method: WRITES })).toBe(0);
  });
});
