import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRequests } from '../../src/sandbox/stats.js';
import { targetsProject, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key', APPENATE_KEY: 'sandbox-key', SP_KEY: 'sandbox-key' };
const csv = (text: string) => text.trim().split('\n');

/** Training data back to HR (#12 item 4; the HR integration guide's flows e–i): exports, and the two writes. */
describe('delegates, authorisations, awards and job roles', () => {
  // The tenant seeds its training records at this time; writes happen "now" (after any --since bookmark).
  let clock = Date.UTC(2025, 0, 1);
  const sandbox = useSandbox({ now: () => clock });
  const ap = () => sandbox().state().accessplanit;
  const writes = () => countRequests(sandbox().stats(), { platform: 'accessplanit', method: ['POST', 'PUT', 'DELETE'] });
  const project = () => {
    const s = sandbox();
    return targetsProject({
      lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:AP_KEY' },
      forms: { type: 'appenate', baseUrl: s.urls.appenate, companyId: 1, integrationKey: 'env:APPENATE_KEY', listAll: true },
      go: { type: 'springest', sites: { default: { baseUrl: s.urls.springest, apiKey: 'env:SP_KEY' } } },
    });
  };

  it('exports each entity as CSV, with the guide’s filters pushed down and --since', async () => {
    const dir = project();
    const provisional = await hrsyncIn(['export', '--entity', 'delegates', '--filter', 'status=Provisional', '-o', 'provisional.csv'], { cwd: dir, env: ENV });
    expect(provisional.code, provisional.stderr).toBe(0);
    const [header, ...rows] = csv(readFileSync(join(dir, 'provisional.csv'), 'utf8'));
    expect(header).toBe('id,userId,courseDateId,courseDateLabel,courseDateStart,courseId,courseName,trainingProviderId,trainingProviderName,userFullName,email,status,companyId,companyName,managerEmails,description,dateCreated,dateUpdated,custom.PurchaseOrder');
    expect(rows.map((r) => r.split(',')[0])).toEqual(['chobri~12368', 'jasmit~12368']);
    // Company, course and training provider (the guide's optional filters), sent as $filter.
    const reads = () => countRequests(sandbox().stats(), { platform: 'accessplanit', method: ['GET'] });
    const before = reads();
    const narrow = await hrsyncIn(['export', '--entity', 'delegates', '--filter', 'companyId=ACME01', '--filter', 'trainingProviderId=TP2', '--filter', 'courseId=FLT', '--fields', 'id,status', '--wire'], { cwd: dir, env: ENV });
    expect(narrow.stdout).toBe('ID,Status\nprpate~12402,In Progress\ntokowa~12402,In Progress\n');
    expect(reads() - before).toBe(2); // filtered by the server: one page, whose count says it is all (and one delegate: the custom fields, for its $select)
    const byDate = await hrsyncIn(['export', '--entity', 'delegates', '--filter', 'courseDateId=12368', '--fields', 'id'], { cwd: dir, env: ENV });
    expect(byDate.stdout).toBe('id\nairahm~12368\nchobri~12368\njasmit~12368\n');
    const awards = await hrsyncIn(['export', '--entity', 'awards', '--filter', 'status=Target', '--filter', 'userId=jasmit'], { cwd: dir, env: ENV });
    expect(awards.stdout).toBe('id,awardId,awardLabel,userId,userFullName,status,targetDate,completedDate,expiryDate,dateUpdated\njasmit~HOWTOILEoB,HOWTOILEoB,Safety at Heights Level 1,jasmit,James Smith,Target,2026-06-25,,,2025-01-01T00:00:00.00\n');
    const roles = await hrsyncIn(['export', '--entity', 'jobroles', '--filter', 'userId=jasmit', '--fields', 'userId,jobRoleLabel'], { cwd: dir, env: ENV });
    expect(roles.stdout).toBe('userId,jobRoleLabel\njasmit,Line Manager\njasmit,Warehouse Operative\n');
    const waiting = await hrsyncIn(['export', '--entity', 'authorisations', '--fields', 'userId,firstName,lastName,courseName,venueName'], { cwd: dir, env: ENV });
    expect(waiting.stdout).toBe("userId,firstName,lastName,courseName,venueName\nchobri,Chloe,O'Brien,First Aid at Work,Lancaster Training Centre\njasmit,James,Smith,First Aid at Work,Lancaster Training Centre\n");

    // --since: a date, or the last export of this entity from this target.
    const first = await hrsyncIn(['export', '--entity', 'delegates', '--since', 'last', '-o', 'since.csv'], { cwd: dir, env: ENV });
    expect(first.stderr).toContain('no bookmark yet for delegates');
    expect(csv(readFileSync(join(dir, 'since.csv'), 'utf8'))).toHaveLength(11);
    clock = Date.now() + 3600_000;
    const put = await fetch(`${sandbox().urls.accessplanit}/UserCourseDate/tokowa~12455`, { method: 'PUT', headers: { authorization: 'Bearer sandbox-key', 'content-type': 'application/json' }, body: JSON.stringify({ Status: 'Completed' }) });
    expect(put.status).toBe(200);
    const next = await hrsyncIn(['export', '--entity', 'delegates', '--since', 'last', '--fields', 'id,status'], { cwd: dir, env: ENV });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toBe('id,status\ntokowa~12455,Completed\n');
    const dated = await hrsyncIn(['export', '--entity', 'delegates', '--since', '2025-06-01', '--fields', 'id'], { cwd: dir, env: ENV });
    expect(dated.stdout).toBe('id\ntokowa~12455\n');
  });

  it('sets delegate statuses from an HR approval file (flow f): by delegate ID or by user and course date; dry run, apply, nothing left to do', async () => {
    const dir = project();
    clock = Date.now();
    write(dir, 'approvals.csv', 'Delegate ID,User ID,Course date ID,Status\njasmit~12368,,,Booked\n,chobri,12368,approved\n');
    const before = writes();
    const dry = await hrsyncIn(['import', 'approvals.csv', '--entity', 'delegates', '--dry-run', '--missing', 'deactivate'], { cwd: dir, env: ENV });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('~ update delegates id=jasmit~12368 (approvals.csv:2)\n    status: "Provisional" → "Booked"\n');
    expect(dry.stdout).toContain('~ update delegates userId=chobri courseDateId=12368 id chobri~12368 (approvals.csv:3)\n    status: "Provisional" → "Booked"\n');
    expect(dry.stdout).toContain('Plan: 0 to create, 2 to update, 0 unchanged.');
    expect(dry.stdout).toContain('--missing deactivate did nothing to delegates: hrsync only updates them');
    expect(writes()).toBe(before);

    const run = await hrsyncIn(['import', 'approvals.csv', '--entity', 'delegates', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    expect([ap().UserCourseDate.get('jasmit~12368')!.Status, ap().UserCourseDate.get('chobri~12368')!.Status]).toEqual(['Booked', 'Booked']);
    expect(writes()).toBe(before + 2);
    const results = csv(readFileSync(join(dir, 'out', 'results.csv'), 'utf8'));
    expect(results.slice(1)).toEqual([
      'approvals.csv,2,id=jasmit~12368,delegates,update,ok,jasmit~12368,,',
      'approvals.csv,3,userId=chobri courseDateId=12368,delegates,update,ok,chobri~12368,,',
    ]);
    const journal = csv(readFileSync(join(dir, 'out', 'journal.ndjson'), 'utf8')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(journal.map((j) => [j.entity, j.action, j.status])).toEqual([['delegates', 'update', 'ok'], ['delegates', 'update', 'ok']]);

    const again = await hrsyncIn(['import', 'approvals.csv', '--entity', 'delegates', '--yes'], { cwd: dir, env: ENV });
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 2 unchanged.');
    expect(writes()).toBe(before + 2);

    // A delegate the platform does not have is never created; a status it does not know never sent.
    write(dir, 'more.csv', 'Delegate ID,Status\nnobody~1,Booked\njasmit~12368,Waitlisted\n');
    const more = await hrsyncIn(['import', 'more.csv', '--entity', 'delegates', '--dry-run'], { cwd: dir, env: ENV });
    expect(more.stdout).toContain('no delegate on accessplanit "lms" has id=nobody~1: hrsync only updates delegates, it never creates them');
    expect(more.stderr).toMatch(/more\.csv:3 +error +status "Waitlisted" is not one of Provisional, Booked, In Progress, Completed, Cancelled/);
    expect(writes()).toBe(before + 2);
  });

  it('sets award target dates (flow i) per user and award', async () => {
    const dir = project();
    clock = Date.now();
    write(dir, 'targets.csv', 'User ID,Award ID,Target date\njasmit,HOWTOILEoB,2026-09-30\nprpate,FLTLIC,2026-12-31\n');
    const dry = await hrsyncIn(['import', 'targets.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('~ update awards userId=jasmit awardId=HOWTOILEoB id jasmit~HOWTOILEoB (targets.csv:2)\n    targetDate: "2026-06-25" → "2026-09-30"\n');
    expect(dry.stdout).toContain('~ update awards userId=prpate awardId=FLTLIC id prpate~FLTLIC (targets.csv:3)\n    targetDate: (blank) → "2026-12-31"\n');
    const before = writes();
    const run = await hrsyncIn(['import', 'targets.csv', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    expect(ap().UserAward.get('jasmit~HOWTOILEoB')!.TargetDate).toBe('2026-09-30T00:00:00');
    expect(ap().UserAward.get('prpate~FLTLIC')!.TargetDate).toBe('2026-12-31T00:00:00');
    expect(csv(readFileSync(join(dir, 'out', 'results.csv'), 'utf8')).slice(1).map((r) => r.split(',').slice(3, 7).join(','))).toEqual(['awards,update,ok,jasmit~HOWTOILEoB', 'awards,update,ok,prpate~FLTLIC']);
    expect(csv(readFileSync(join(dir, 'out', 'journal.ndjson'), 'utf8'))).toHaveLength(2);
    const again = await hrsyncIn(['import', 'targets.csv', '--yes'], { cwd: dir, env: ENV });
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 2 unchanged.');
    expect(writes()).toBe(before + 2);
  });

  it('the samples of the README’s HR flows are valid, and plan against the embedded sandbox', async () => {
    const valid = await hrsyncIn(['validate', 'samples/approvals.csv', 'samples/award-targets.csv', '--format', 'json']);
    expect(valid.code, valid.stdout).toBe(0);
    expect(JSON.parse(valid.stdout).files.map((f: { entity: string }) => f.entity)).toEqual(['delegates', 'awards']);
    const approvals = await hrsyncIn(['import', 'samples/approvals.csv', '--entity', 'delegates', '--dry-run']);
    expect(approvals.code, approvals.stderr).toBe(0);
    expect(approvals.stdout).toContain('~ update delegates id=jasmit~12368 (samples/approvals.csv:2)\n    status: "Provisional" → "Booked"');
    const targets = await hrsyncIn(['import', 'samples/award-targets.csv', '--dry-run']);
    expect(targets.stdout).toContain('Plan: 0 to create, 2 to update, 0 unchanged.');
  });

  it('is a usage error on a platform without them (exit 64)', async () => {
    const dir = project();
    write(dir, 'approvals.csv', 'Delegate ID,Status\njasmit~12368,Booked\n');
    const forms = await hrsyncIn(['export', '--target', 'forms', '--entity', 'delegates'], { cwd: dir, env: ENV });
    expect(forms.code).toBe(64);
    expect(forms.stderr).toContain('--entity delegates: appenate "forms" does not hold delegates (it holds users, groups)');
    const go = await hrsyncIn(['export', '--target', 'go', '--entity', 'awards'], { cwd: dir, env: ENV });
    expect(go.code).toBe(64);
    expect(go.stderr).toContain('--entity awards: springest "go" does not hold awards');
    const into = await hrsyncIn(['import', 'approvals.csv', '--entity', 'delegates', '--target', 'go', '--dry-run'], { cwd: dir, env: ENV });
    expect(into.code).toBe(64);
    expect(into.stderr).toContain('--entity delegates: springest "go" takes no delegates from a file (it takes users)');
    const check = await hrsyncIn(['validate', 'approvals.csv', '--entity', 'delegates', '--target', 'appenate'], { cwd: dir, env: ENV });
    expect(check.code).toBe(64);
    // Read-only training records are exported, never imported.
    const roles = await hrsyncIn(['import', 'approvals.csv', '--entity', 'jobroles', '--dry-run'], { cwd: dir, env: ENV });
    expect(roles.code).toBe(64);
    expect(roles.stderr).toContain('jobroles are read only here: hrsync export --entity jobroles reads them');
  });
});
