import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlanFresh, savedPlanText, type SavedPlan } from '../../src/app/apply-saved-plan.js';
import { startEmbedded, type RunningSandbox } from '../../src/app/embedded-sandbox.js';
import { applyImport, planImport, pullSource } from '../../src/app/import-run.js';
import { listTargets } from '../../src/app/check-targets.js';
import { openTarget, type OpenedRules } from '../../src/app/open-target.js';
import { SafetyStop, UsageError } from '../../src/errors.js';
import { boundedHeapGrowth, heapGrowthBounded } from '../../src/shared/heap.js';
import { planDocument } from '../../src/cli/render/notes.js';
import { tempDir, write } from '../helpers/files.js';

let running: RunningSandbox;
let dir: string;
const ENV = { AP_KEY: 'sandbox-key', UNIFIED_KEY: 'sandbox-key' };
beforeAll(async () => {
  running = await startEmbedded({ port: 0 });
  dir = tempDir();
  const s = running.sandbox;
  write(dir, 'hrsync.config.json', JSON.stringify({
    targets: {
      lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:AP_KEY' },
      hr: { type: 'unified', baseUrl: s.urls.unified, connectionId: 'sandbox', apiKey: 'env:UNIFIED_KEY' },
    },
    defaultTarget: 'lms',
  }));
});
afterAll(() => running.stop());

const open = (name?: string) => openTarget(name, { cwd: dir, env: ENV });
async function using<O extends OpenedRules, T>(opened: Promise<O>, use: (o: O) => Promise<T>): Promise<T> {
  const o = await opened;
  try {
    return await use(o);
  } finally {
    await o.close();
  }
}
const PLAN = { missing: 'ignore', maxMissing: { fraction: 0.1 }, blank: 'ignore' } as const;

/** The run's clock in these tests (no row here has a date, so any moment plans the same). */
const AS_OF = Date.parse('2030-01-01T00:00:00Z');

describe('openTarget: what --target means', () => {
  it('is a configured target, else a rule set, else unknown; a source has no rules', async () => {
    await using(open(), async (o) => expect([o.target?.label, o.rules?.name, o.embedded]).toEqual(['accessplanit "lms"', 'accessplanit', false]));
    await using(open('generic'), async (o) => expect([o.target, o.rules?.name]).toEqual([undefined, 'generic']));
    await using(open('appenate'), async (o) => expect([o.target, Object.keys(o.rules!.entities)]).toEqual([undefined, ['users', 'groups']]));
    await using(open('hr'), async (o) => expect([o.target?.label, o.rules, o.connector?.role]).toEqual(['unified "hr"', undefined, 'source']));
    await expect(open('moodle')).rejects.toThrow(/unknown target "moodle"$/);
    // A typo: of a configured target's name, or of a platform's.
    await expect(open('lsm')).rejects.toThrow('unknown target "lsm": did you mean "lms"?');
    // A run that writes takes no rule set: a platform's name typed wrong says how to configure one.
    await expect(open('acesplanit')).rejects.toThrow('unknown target "acesplanit": no target of that name is configured (did you mean the platform "accessplanit"?)');
    await expect(open('acesplanit')).rejects.toMatchObject({ hint: expect.stringMatching(/^to use accessplanit, configure a target of type "accessplanit" .*; targets: lms, hr, sandbox$/) });
    await expect(open('unifeid')).rejects.toThrow('did you mean the platform "unified"?');
    // validate (offline) takes a rule set: the typo is of one, and the list names them.
    await expect(openTarget('acesplanit', { cwd: dir, env: ENV, offline: true })).rejects.toThrow('unknown target "acesplanit": did you mean "accessplanit"?');
    await expect(openTarget('acesplanit', { cwd: dir, env: ENV, offline: true })).rejects.toMatchObject({ hint: expect.stringContaining('generic, accessplanit') });
    await expect(open('sandbx')).rejects.toThrow('did you mean "sandbox"?');
    await expect(openTarget('unified', { cwd: tempDir(), env: {} })).rejects.toThrow(/unified is a read-only source/);
    await expect(openTarget('lms', { cwd: dir, env: {} })).rejects.toThrow('target "lms": apiKey refers to the environment variable AP_KEY, which is not set');
  });

  it('with no config at all is the embedded sandbox, its state kept in the user’s cache folder (one per working folder), never in the working folder', async () => {
    const empty = tempDir();
    const cache = tempDir();
    await using(openTarget(undefined, { cwd: empty, env: { XDG_CACHE_HOME: cache } }), async (o) => {
      expect([o.embedded, o.target?.label]).toEqual([true, 'accessplanit "sandbox"']);
      expect(o.note).toMatch(/no hrsync.config.json here or above: using the embedded sandbox/);
    });
    const [state] = readdirSync(join(cache, 'hrsync', 'sandbox'));
    expect(state).toMatch(new RegExp(`^${basename(empty)}-[0-9a-f]{12}\\.json$`));
    expect(statSync(join(cache, 'hrsync', 'sandbox', state!)).mode & 0o077).toBe(0);
    expect(readdirSync(empty)).toEqual([]);
    // Offline (validate): rules only, no sandbox started, nothing written.
    const other = tempDir();
    await using(openTarget(undefined, { cwd: other, env: { XDG_CACHE_HOME: cache }, offline: true }), async (o) => {
      expect([o.embedded, o.target, o.rules?.name]).toEqual([false, undefined, 'accessplanit']);
      expect(o.note).toContain('checked offline against the accessplanit rules');
    });
    expect(readdirSync(join(cache, 'hrsync', 'sandbox'))).toEqual([state]);
  });

  it('finds the config like other tools: --config, else HRSYNC_CONFIG, else the nearest one in the folder or above; .hrsync lives beside it', async () => {
    const project = tempDir();
    write(project, 'hrsync.config.yaml', 'targets:\n  lms: { type: accessplanit, baseUrl: "http://127.0.0.1:9/x", apiKey: "env:K" }\n');
    const deep = join(project, 'jobs', 'nightly');
    mkdirSync(deep, { recursive: true });
    await using(openTarget(undefined, { cwd: deep, env: { K: 'k' } }), async (o) => expect([o.target?.label, o.home]).toEqual(['accessplanit "lms"', project]));
    const elsewhere = tempDir();
    write(elsewhere, 'other.json', JSON.stringify({ targets: { forms: { type: 'appenate', baseUrl: 'http://127.0.0.1:9/api/v2', companyId: 1, integrationKey: 'env:K' } } }));
    await using(openTarget(undefined, { cwd: deep, env: { K: 'k', HRSYNC_CONFIG: join(elsewhere, 'other.json') } }), async (o) => expect([o.target?.label, o.home]).toEqual(['appenate "forms"', elsewhere]));
    await expect(openTarget(undefined, { cwd: deep, env: { HRSYNC_CONFIG: 'missing.json' } })).rejects.toThrow(/HRSYNC_CONFIG names .*missing.json, which does not exist/);
    write(project, 'hrsync.config.json', '');
    await expect(openTarget(undefined, { cwd: deep, env: { K: 'k' } })).rejects.toThrow(/hrsync.config.json is not valid JSON/);
  });
});

describe('the import use case', () => {
  it('plans without writing, applies, and then has nothing to do', async () => {
    await running.sandbox.reset();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Company ID\nE1001,James,Smith,ACME01\nP1,Pat,Plan,ACME01\n');
    await using(open(), async (opened) => {
      const options = { asOf: AS_OF, cwd: dir, read: { cwd: dir }, plan: PLAN };
      const planned = await planImport(opened, ['u.csv'], options);
      expect(planned.plan!.summary).toMatchObject({ create: 1, unchanged: 1 });
      expect(running.sandbox.state().accessplanit.User.rows().some((u) => u.ExternalID === 'P1')).toBe(false);
      const applied = await applyImport(planned, { concurrency: 2, resultsDir: 'out', cwd: dir });
      expect(applied.ok).toBe(1);
      expect(existsSync(join(dir, 'out', 'results.csv'))).toBe(true);
      expect((await planImport(opened, ['u.csv'], options)).plan!.operations).toEqual([]);
    });
  });

  it('with strict plans nothing when a row is invalid; past --max-missing it is a safety stop', async () => {
    write(dir, 'bad.csv', 'Employee ID,First name,Last name,Company ID\nX1,,Smith,ACME01\n');
    await using(open(), async (opened) => {
      const strict = await planImport(opened, ['bad.csv'], { asOf: AS_OF, cwd: dir, read: { cwd: dir }, plan: PLAN, strict: true });
      expect(strict.plan).toBeUndefined();
      expect(strict.validation.ok).toBe(false);
      const stop = planImport(opened, ['u.csv'], { asOf: AS_OF, cwd: dir, read: { cwd: dir }, plan: { ...PLAN, missing: 'deactivate', maxMissing: { count: 0 } }, maxMissingText: '0' });
      await expect(stop).rejects.toBeInstanceOf(SafetyStop);
      await expect(stop).rejects.toThrow(/--max-missing 0\); nothing was written/);
    });
  });

  it('plans with V8’s heap growth bounded (the records of both sides are held at once), V8’s own choice again after, a throw too', async () => {
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Company ID\nE1001,James,Smith,ACME01\n');
    await using(open(), async (opened) => {
      const target = opened.target!;
      const list = target.list.bind(target);
      const seen: boolean[] = [];
      target.list = (...args) => {
        seen.push(heapGrowthBounded());
        return list(...args);
      };
      await planImport(opened, ['u.csv'], { asOf: AS_OF, cwd: dir, read: { cwd: dir }, plan: PLAN });
      expect([seen.length > 0 && seen.every(Boolean), heapGrowthBounded()]).toEqual([true, false]);
    });
    const inner = boundedHeapGrowth(async () => {
      await expect(boundedHeapGrowth(() => Promise.reject(new Error('nested')))).rejects.toThrow('nested');
      return heapGrowthBounded();
    });
    expect([await inner, heapGrowthBounded()]).toEqual([true, false]);
  });

  it('refuses to import into a source or a rule set', async () => {
    await using(open('hr'), async (o) => expect(planImport(o, ['u.csv'], { asOf: AS_OF, cwd: dir, plan: PLAN })).rejects.toThrow('unified "hr" is read-only'));
    await using(open('generic'), async (o) => expect(planImport(o, ['u.csv'], { asOf: AS_OF, cwd: dir, plan: PLAN })).rejects.toBeInstanceOf(UsageError));
  });

  it('--from: reads a source into the run folder as NDJSON, only what changed since when asked', async () => {
    await using(open('hr'), async (source) => {
      const all = await pullSource(source, 'hr', { resultsDir: 'runs/1', cwd: dir });
      expect(all.path).toBe(join('runs/1', 'from-hr.ndjson'));
      expect(readFileSync(join(dir, all.path), 'utf8').trim().split('\n')).toHaveLength(300);
      const recent = await pullSource(source, 'hr', { resultsDir: 'runs/2', since: '2026-06-01', cwd: dir });
      expect(recent.report.rows).toBeGreaterThan(0);
      expect(recent.report.rows).toBeLessThan(300);
    });
  });
});

describe('a saved plan', () => {
  it('is refused when a record it touches changed since, unless forced', async () => {
    await running.sandbox.reset();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Job title,Company ID\nE1001,James,Smith,Director,ACME01\n');
    await using(open(), async (opened) => {
      const planned = await planImport(opened, ['u.csv'], { asOf: AS_OF, cwd: dir, read: { cwd: dir }, plan: PLAN });
      const target = planned.target;
      const plan = JSON.parse(await savedPlanText(planDocument(planned.plan!), opened.state)) as SavedPlan;
      expect((await checkPlanFresh(target, plan, opened.state, { concurrency: 4, force: false, now: AS_OF })).stale).toEqual([]);
      await target.writer!.write({ action: 'update', entity: 'users', id: 'jasmit', values: { mobile: '07000 000000' } });
      await expect(checkPlanFresh(target, plan, opened.state, { concurrency: 4, force: false, now: AS_OF })).rejects.toThrow('users externalId=E1001 (id jasmit) changed since the plan was made');
      expect((await checkPlanFresh(target, plan, opened.state, { concurrency: 4, force: true, now: AS_OF })).stale).toHaveLength(1);
      await expect(checkPlanFresh(undefined, plan, opened.state, { concurrency: 1, force: true, now: AS_OF })).rejects.toBeInstanceOf(UsageError);
    });
  });
});

describe('targets', () => {
  it('are listed from the config without any secret, or as the embedded sandbox', async () => {
    const listing = await listTargets({ cwd: dir, env: {} });
    expect(listing.targets.map((t) => [t.name, t.type, t.default])).toEqual([['lms', 'accessplanit', true], ['hr', 'unified', false]]);
    expect((await listTargets({ cwd: tempDir(), env: {} })).targets[0]).toMatchObject({ name: 'sandbox', default: true });
  });
});

describe('the sandbox seeder', () => {
  it('refuses a seed folder that is not valid for the embedded platform, naming the file and line', async () => {
    const seed = join(tempDir(), 'seed');
    mkdirSync(seed);
    write(seed, 'users.csv', 'Employee ID,First name,Last name,Company ID\nS1,,Seed,NOPE\n');
    await expect(startEmbedded({ port: 0, seedDir: seed })).rejects.toThrow(/the seed in .*seed is not valid for accessplanit: .*users.csv:2: firstName is required but empty/);
  });
});
