import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hrToLmsProject, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key' };

/** `--since last` (#12 item 3): a bookmark per source and target, moved only by a fully successful run. */
describe('bookmarks for incremental runs', () => {
  const sandbox = useSandbox();
  const project = () => {
    const dir = hrToLmsProject(sandbox().urls);
    // The HR system's values in the LMS's words: every person in ACME01, ON_LEAVE counts as Enabled.
    write(dir, 'map.json', JSON.stringify({ users: { defaults: { companyId: 'ACME01' }, values: { status: { map: { on_leave: 'Enabled' } } } } }));
    return dir;
  };
  const bookmarks = async (dir: string) => JSON.parse((await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: dir })).stdout).bookmarks as Array<{ key: string; at: string; source: string; target: string }>;
  const employee = (id: string) => sandbox().state().unified.get('sandbox')!.employee.get(id)!;

  it('runs in full first, then reads only what changed since the last fully successful run; a dry run or a failed run does not move it', async () => {
    const dir = project();
    const import_ = (...extra: string[]) => hrsyncIn(['import', '--from', 'hr', '--map', 'map.json', '--since', 'last', ...extra], { cwd: dir, env: ENV });
    const dry = await import_('--dry-run');
    expect(dry.stderr).toContain('--since last: no bookmark yet for hr into accessplanit "lms": a full run');
    expect(await bookmarks(dir)).toEqual([]);

    const before = Date.now();
    const full = await import_('--yes');
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toMatch(/read 300 users from unified "hr" \(/);
    const [mark] = await bookmarks(dir);
    expect(mark).toMatchObject({ source: 'hr', target: 'lms' });
    expect(Date.parse(mark!.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(statSync(join(dir, '.hrsync', 'state', 'bookmarks.json')).mode & 0o077).toBe(0);

    // One person changes in the HR system: the next run reads just them.
    const changed = employee('emp_00007');
    Object.assign(changed, { title: 'Night Shift Lead', updated_at: new Date().toISOString() });
    const next = await import_('--yes');
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/read 1 user from unified "hr" changed since /);
    // Where it read from, and why 5 minutes before the bookmark.
    const from = new Date(Date.parse(mark!.at) - 5 * 60_000).toISOString();
    expect(next.stderr).toContain(`--since last: reading hr's users for accessplanit "lms" changed since ${from} — the last run's start, ${mark!.at}, less a 5-minute overlap in case the source's clock differs from this machine's; a record changed in those minutes is read again`);
    expect(next.stdout).toContain('jobTitle:');
    const [moved] = await bookmarks(dir);
    expect(Date.parse(moved!.at)).toBeGreaterThan(Date.parse(mark!.at));

    // A run that is not fully successful does not move it: here every row names a company the LMS lacks.
    write(dir, 'bad.json', readFileSync(join(dir, 'map.json'), 'utf8').replace('ACME01', 'NO_SUCH_CO'));
    Object.assign(employee('emp_00009'), { title: 'And Again', updated_at: new Date().toISOString() });
    const failed = await hrsyncIn(['import', '--from', 'hr', '--map', 'bad.json', '--since', 'last', '--yes'], { cwd: dir, env: ENV });
    expect(failed.code).not.toBe(0);
    expect((await bookmarks(dir))[0]!.at).toBe(moved!.at);

    const reset = await hrsyncIn(['state', 'reset'], { cwd: dir });
    expect(reset.stderr).toContain('1 bookmark cleared');
    expect(await bookmarks(dir)).toEqual([]);
  });

  it('keeps a bookmark per target and entity for export --since last', async () => {
    const dir = project();
    const first = await hrsyncIn(['export', '--target', 'hr', '--since', 'last', '-o', 'all.csv'], { cwd: dir, env: ENV });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('no bookmark yet for users from unified "hr": a full export');
    expect(readFileSync(join(dir, 'all.csv'), 'utf8').trim().split('\n')).toHaveLength(301);
    Object.assign(employee('emp_00011'), { updated_at: new Date().toISOString() });
    const second = await hrsyncIn(['export', '--target', 'hr', '--since', 'last', '-o', 'changed.csv'], { cwd: dir, env: ENV });
    expect(second.stderr).toMatch(/--since last: reading users from unified "hr" changed since \S+ — the last run's start, \S+, less a 5-minute overlap/);
    // Only what changed since the bookmark (less the 5-minute overlap: people the test before changed, too).
    const rows = readFileSync(join(dir, 'changed.csv'), 'utf8').trim().split('\n');
    expect(rows.length).toBeLessThan(10);
    expect(rows.some((r) => r.startsWith(`${String(employee('emp_00011').employee_number)},`))).toBe(true);
    const shown = await hrsyncIn(['state', 'show'], { cwd: dir });
    expect(shown.stdout).toMatch(/^export {2}hr → changed\.csv {2}users {2}\d{4}-/m);
    expect(second.code).toBe(0);
  });
});
