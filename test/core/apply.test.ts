import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmbedded, type RunningSandbox } from '../../src/app/embedded-sandbox.js';
import { createTarget } from '../../src/app/create-target.js';
import { applyPlan } from '../../src/core/apply/apply.js';
import type { PlannedOp } from '../../src/core/plan/plan.js';
import type { Connection } from '../../src/core/ports.js';
import { sandboxClients } from '../../src/sandbox/server.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { tempDir } from '../helpers/files.js';

let running: RunningSandbox;
let proxy: FaultProxy;
/** hrsync's accessplanit connector on the sandbox, through a proxy that can lose answers. */
let lms: Connection;
beforeAll(async () => {
  running = await startEmbedded({ port: 0 });
  proxy = await startFaultProxy(running.sandbox.url);
  const client = sandboxClients(running.sandbox).find((c) => c.platform === 'accessplanit')!;
  lms = (await createTarget('lms', { ...client.config, baseUrl: proxy.via(String(client.config.baseUrl)) }, { env: client.env })).target;
});
afterAll(async () => {
  await lms.close();
  await proxy.stop();
  await running.stop();
});
beforeEach(async () => {
  await running.sandbox.reset();
  proxy.setRule(() => 'pass');
});

const users = () => running.sandbox.state().accessplanit.User;
/** A clock whose sleeps pass at once, counted. */
const fakeClock = () => {
  let at = 0;
  const waits: number[] = [];
  return { waits, now: () => at, sleep: async (ms: number) => void (waits.push(ms), (at += ms)) };
};
const create = (entity: PlannedOp['entity'], key: string, values: PlannedOp['values'], line = 2): PlannedOp => ({ action: 'create', entity, key, values, file: 'in.csv', line, source: { key } });

describe('applyPlan', () => {
  it('runs groups, then companies, then users, so a new user’s new company exists first', async () => {
    const dir = tempDir();
    const report = await applyPlan(lms, [
      create('users', 'externalId=N1', { externalId: 'N1', firstName: 'Nina', lastName: 'New', companyId: 'NEWCO' }),
      create('companies', 'id=NEWCO', { id: 'NEWCO', name: 'New Co', groupIds: ['NEWG'] }),
      create('groups', 'id=NEWG', { id: 'NEWG', label: 'New group' }),
    ], { concurrency: 4, resultsDir: dir });
    expect(report).toMatchObject({ ok: 3, failed: 0, skipped: 0, interrupted: false });
    expect(users().find((u) => u.ExternalID === 'N1')).toMatchObject({ MainCompanyID: 'NEWCO' });
    const journal = readFileSync(join(dir, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entity: string });
    expect(journal.map((j) => j.entity)).toEqual(['groups', 'companies', 'users']);
  });

  it('journals what each write replaced: an update’s fields before and after, a create’s record, a removal’s record as it was', async () => {
    const dir = tempDir();
    const seeded = users().rows().filter((u) => u.ExternalID === 'E1001' || u.ExternalID === 'E1002');
    const [james, priya] = [seeded.find((u) => u.ExternalID === 'E1001')!, seeded.find((u) => u.ExternalID === 'E1002')!];
    const report = await applyPlan(lms, [
      create('users', 'externalId=J1', { externalId: 'J1', firstName: 'Jo', lastName: 'Journal', companyId: 'ACME01' }),
      { action: 'update', entity: 'users', key: 'externalId=E1001', id: String(james.ID), values: { jobTitle: 'Boss' }, changes: [{ field: 'jobTitle', from: 'Warehouse Manager', to: 'Boss' }], file: 'in.csv', line: 2 },
      { action: 'deactivate', entity: 'users', key: 'externalId=E1002', id: String(priya.ID), values: { externalId: 'E1002' } },
    ], { concurrency: 1, resultsDir: dir, run: { id: 'r1', target: 'lms' } });
    expect(report.ok).toBe(3);
    const journal = readFileSync(join(dir, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const of = (action: string) => journal.find((j) => j.action === action)!;
    expect(of('create')).toMatchObject({ key: 'externalId=J1', status: 'ok', id: expect.any(String), after: { externalId: 'J1', firstName: 'Jo' } });
    expect(of('update')).toMatchObject({ id: String(james.ID), changes: [{ field: 'jobTitle', from: 'Warehouse Manager', to: 'Boss' }] });
    // The record as it was just before it was deactivated: its status, and what an undo would restore.
    expect(of('deactivate')).toMatchObject({ id: String(priya.ID), before: { externalId: 'E1002', status: 'Enabled', lastName: 'Patel' } });
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toEqual({ id: 'r1', target: 'lms' });
    expect(statSync(join(dir, 'run.json')).mode & 0o777).toBe(0o600);
  });

  it('settles a create whose answer was lost by looking it up: one record, reported ok', async () => {
    proxy.setRule(({ method, index }) => (method === 'POST' && index === 0 ? 'reset-after' : 'pass'));
    const report = await applyPlan(lms, [create('users', 'externalId=L1', { externalId: 'L1', firstName: 'Lou', lastName: 'Lost', companyId: 'ACME01' })], { concurrency: 1, resultsDir: tempDir() });
    expect(report.results[0]).toMatchObject({ status: 'ok', id: expect.any(String) });
    expect(users().rows().filter((u) => u.ExternalID === 'L1')).toHaveLength(1);
    expect(proxy.seen.map((r) => r.method)).toEqual(['POST', 'GET']); // the lookup, and no second POST
  });

  it('never sends a lost create again on the strength of empty lookups: it looks again over the window, then calls it unknown', async () => {
    proxy.setRule(({ method }) => (method === 'POST' ? 'reset-before' : 'pass'));
    const clock = fakeClock();
    const dir = tempDir();
    const report = await applyPlan(lms, [create('users', 'externalId=L2', { externalId: 'L2', firstName: 'Lee', lastName: 'Lost', companyId: 'ACME01' })], { concurrency: 1, resultsDir: dir, ...clock });
    expect(report.results[0]).toMatchObject({ status: 'unknown', error: expect.stringContaining('not sent again (it may land late)') });
    expect(report).toMatchObject({ ok: 0, failed: 0, unknown: 1 });
    // One POST, then lookups with backoff until the window (twice the timeout: 60 s) has passed.
    expect(proxy.seen.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(clock.waits.length).toBeGreaterThan(3);
    expect(clock.waits.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).toContain(',unknown,');
    expect(readFileSync(join(dir, 'failed.csv'), 'utf8')).toContain('externalId=L2');
  });

  it('stops at refused credentials: the rest is not tried, and every row has a result', async () => {
    proxy.setRule(() => ({ status: 401, body: { message: 'Authorization has been denied for this request.' } }));
    const dir = tempDir();
    const ops = [1, 2, 3].map((i) => create('users', `externalId=A${i}`, { externalId: `A${i}`, firstName: 'A', lastName: 'B', companyId: 'ACME01' }, i + 1));
    const report = await applyPlan(lms, ops, { concurrency: 1, resultsDir: dir });
    expect(report.targetFailure?.kind).toBe('auth');
    expect(report.results.map((r) => r.status)).toEqual(['failed', 'skipped', 'skipped']);
    const results = readFileSync(join(dir, 'results.csv'), 'utf8');
    expect(results).toContain('not tried: the target failed');
    expect(readFileSync(join(dir, 'failed.csv'), 'utf8').trim().split('\n')).toEqual(['key', 'externalId=A1', 'externalId=A2', 'externalId=A3']);
    // Personal data: readable by the user alone.
    for (const file of ['results.csv', 'failed.csv', 'journal.ndjson']) expect(statSync(join(dir, file)).mode & 0o077).toBe(0);
  });

  it('reports the platform’s own field errors per row and goes on with the rest', async () => {
    const report = await applyPlan(lms, [
      create('users', 'externalId=V1', { externalId: 'V1', firstName: 'Val', lastName: 'Id', companyId: 'NOPE' }),
      create('users', 'externalId=V2', { externalId: 'V2', firstName: 'Val', lastName: 'Two', companyId: 'ACME01' }, 3),
    ], { concurrency: 2, resultsDir: tempDir() });
    expect(report.results.map((r) => [r.status, r.error ?? null])).toEqual([['failed', "MainCompanyID: Company 'NOPE' does not exist."], ['ok', null]]);
  });

  it('when aborted, starts no new write and marks the rest interrupted', async () => {
    const controller = new AbortController();
    const ops = [1, 2, 3, 4].map((i) => create('users', `externalId=I${i}`, { externalId: `I${i}`, firstName: 'I', lastName: `N${i}`, companyId: 'ACME01' }, i + 1));
    const report = await applyPlan(lms, ops, { concurrency: 1, resultsDir: tempDir(), signal: controller.signal, onProgress: (done) => done === 2 && controller.abort() });
    expect(report.interrupted).toBe(true);
    expect(report.results.map((r) => r.status)).toEqual(['ok', 'ok', 'skipped', 'skipped']);
  });

  it('when the journal cannot be written (a full disk), starts no new write, finishes those in flight, and says so', async () => {
    const dir = tempDir();
    symlinkSync('/dev/full', join(dir, 'journal.ndjson')); // every write to it: ENOSPC
    const ops = [1, 2, 3, 4, 5, 6].map((i) => create('users', `externalId=F${i}`, { externalId: `F${i}`, firstName: 'F', lastName: `N${i}`, companyId: 'ACME01' }, i + 1));
    const report = await applyPlan(lms, ops, { concurrency: 2, resultsDir: dir });
    expect(report.outputFailure?.message).toBe(`could not write the journal ${join(dir, 'journal.ndjson')}: the disk is full (ENOSPC)`);
    expect(report.outputFailure?.exitCode).toBe(74);
    // The first to finish stopped new work; the other one in flight finished.
    expect(report.ok).toBe(2);
    expect(users().rows().filter((u) => String(u.ExternalID).startsWith('F'))).toHaveLength(2);
    expect(report.results.filter((r) => r.status === 'skipped').map((r) => r.error)).toEqual(Array(4).fill('not tried: the journal could not be written'));
    expect(report.resultsWritten).toBe(true);
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).toContain(',ok,');
  });

  it('when the results folder cannot be made, writes nothing to the target (exit 74)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const before = users().rows().length;
    await expect(applyPlan(lms, [create('users', 'externalId=G1', { externalId: 'G1', firstName: 'G', lastName: 'One', companyId: 'ACME01' })], { concurrency: 1, resultsDir: join(dir, 'file', 'run') })).rejects.toMatchObject({
      exitCode: 74,
      message: expect.stringContaining('a part of the path is a file, not a folder (ENOTDIR)'),
    });
    expect(users().rows()).toHaveLength(before);
  });

  it('when hrsync itself fails, starts no new write, still writes the results, then throws', async () => {
    const broken: Connection = { ...lms, writer: { ...lms.writer!, write: async () => { throw new TypeError('boom'); } } };
    const dir = tempDir();
    const ops = [1, 2].map((i) => create('users', `externalId=B${i}`, { externalId: `B${i}` }, i + 1));
    await expect(applyPlan(broken, ops, { concurrency: 1, resultsDir: dir })).rejects.toThrow('boom');
    const results = readFileSync(join(dir, 'results.csv'), 'utf8');
    expect(results).toContain('failed,,internal error: boom');
    expect(results).toContain('skipped,,not tried: hrsync failed');
  });
});
