import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageOf } from '../../src/core/apply/images.js';
import { Journal } from '../../src/core/apply/journal.js';
import { phases } from '../../src/core/apply/phases.js';
import { Sender } from '../../src/core/apply/send.js';
import type { PlannedOp } from '../../src/core/plan/plan.js';
import type { WriteOp } from '../../src/core/ports.js';
import { RemoteError } from '../../src/errors.js';
import { tempDir } from '../helpers/files.js';
import { fakeTarget } from './plan-fakes.js';

const op = (action: PlannedOp['action'], entity: PlannedOp['entity'], key: string, extra: Partial<PlannedOp> = {}): PlannedOp => ({ action, entity, key, ...extra });

describe('phases', () => {
  it('creates and updates per entity in dependency order, in waves of what they wait for; removals after, users first', () => {
    const manager = op('create', 'users', 'm');
    const report = op('create', 'users', 'r', { after: ['m'] });
    const theirs = op('update', 'users', 'x', { after: ['r'] });
    const ops = [op('delete', 'groups', 'g-'), theirs, report, op('create', 'companies', 'c'), manager, op('deactivate', 'users', 'u-'), op('create', 'groups', 'g')];
    expect(phases(ops).map((p) => p.map((o) => o.key))).toEqual([['g'], ['c'], ['m'], ['r'], ['x'], ['u-'], ['g-']]);
  });

  it('a hand-made plan with a circle still runs, in some order', () => {
    expect(phases([op('create', 'users', 'a', { after: ['b'] }), op('create', 'users', 'b', { after: ['a'] })]).flat()).toHaveLength(2);
  });
});

describe('before-images', () => {
  it('keep a record’s values, never a create-only option or anything named like a credential', () => {
    const target = fakeTarget({ createOnly: () => ['invite'] });
    expect(imageOf(target, 'users', { externalId: 'E1', lastName: 'Smith', invite: false, password: 'hunter2', apiKey: 'k', 'custom.Token': 't', status: 'Enabled' })).toEqual({ externalId: 'E1', lastName: 'Smith', status: 'Enabled' });
  });

  it('are read just before a deactivation or delete, and journalled with it; a read that fails leaves the write alone', async () => {
    const dir = tempDir();
    const journal = await Journal.open(dir);
    let reads = 0;
    const target = fakeTarget({
      lookup: async (_entity, key) => (reads++ === 0 ? { id: key.value, externalId: 'E1', status: 'Enabled', password: 'x' } : Promise.reject(new Error('down'))),
      write: async (w: WriteOp) => ({ id: w.id ?? '' }),
    });
    const ops = [op('deactivate', 'users', 'externalId=E1', { id: '7' }), op('delete', 'users', 'externalId=E2', { id: '8' })];
    const sender = new Sender(target, ops, { concurrency: 1, resultsDir: dir }, journal);
    for (const o of ops) await sender.send(o);
    journal.close();
    const lines = readFileSync(join(dir, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.action, l.status, l.before])).toEqual([['deactivate', 'ok', { id: '7', externalId: 'E1', status: 'Enabled' }], ['delete', 'ok', undefined]]);
  });
});

describe('Journal', () => {
  it('appends a line per write as it completes', async () => {
    const dir = join(tempDir(), 'results');
    const journal = await Journal.open(dir);
    const create = op('create', 'users', 'externalId=E1', { file: 'in.csv', line: 2 });
    journal.append(create, { op: create, status: 'ok', id: 'u1' });
    journal.append(create, { op: create, status: 'failed', error: 'no' });
    journal.close();
    const lines = readFileSync(join(dir, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { at: expect.any(String), entity: 'users', action: 'create', key: 'externalId=E1', file: 'in.csv', line: 2, status: 'ok', id: 'u1', error: null },
      { at: expect.any(String), entity: 'users', action: 'create', key: 'externalId=E1', file: 'in.csv', line: 2, status: 'failed', id: null, error: 'no' },
    ]);
    expect(journal.failure).toBeUndefined();
  });

  it('a results folder that cannot be made stops the run before any write', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    await expect(Journal.open(join(file, 'results'))).rejects.toMatchObject({ message: expect.stringContaining(file) });
  });
});

describe('Sender', () => {
  const journalIn = () => Journal.open(tempDir());
  const sender = async (write: (op: WriteOp) => Promise<{ id?: string }>, ops: PlannedOp[]) =>
    new Sender(fakeTarget({ write: write as never }), ops, { concurrency: 1, resultsDir: '' }, await journalIn());

  it('keeps each result: ok, failed with the fields the platform named, unknown', async () => {
    const ops = [op('update', 'users', 'a', { id: 'a' }), op('update', 'users', 'b', { id: 'b' }), op('update', 'users', 'c', { id: 'c' })];
    const s = await sender(async (w) => {
      if (w.id === 'b') throw new RemoteError('validation', 'refused', undefined, [{ field: 'email', message: 'taken' }]);
      if (w.id === 'c') throw new RemoteError('outcome_unknown', 'no answer', undefined);
      return { id: w.id };
    }, ops);
    for (const o of ops) await s.send(o);
    expect(s.all().map((r) => [r.op.key, r.status, r.error])).toEqual([['a', 'ok', undefined], ['b', 'failed', 'email: taken'], ['c', 'unknown', 'no answer']]);
    expect([s.failed, s.unknown, s.stopped()]).toEqual([1, 1, false]);
  });

  it('stops on the target failing as a whole, or on its own failure; what was not tried says why', async () => {
    const ops = [op('update', 'users', 'a', { id: 'a' }), op('update', 'users', 'b', { id: 'b' })];
    const refused = await sender(async () => Promise.reject(new RemoteError('auth', 'credentials refused', undefined)), ops);
    await refused.send(ops[0]!);
    expect(refused.stopped()).toBe(true);
    expect(refused.all().map((r) => r.error)).toEqual(['credentials refused', 'not tried: the target failed']);
    const bug = await sender(async () => Promise.reject(new TypeError('oops')), ops);
    await bug.send(ops[0]!);
    expect([bug.stopped(), bug.internal]).toEqual([true, expect.any(TypeError)]);
    expect(bug.all().map((r) => r.error)).toEqual(['internal error: oops', 'not tried: hrsync failed']);
  });

  it('does not send what waits for a write that did not succeed', async () => {
    const manager = op('create', 'users', 'm', { values: { externalId: 'M' } });
    const report = op('create', 'users', 'r', { after: ['m'], values: { externalId: 'R' } });
    const s = await sender(async () => Promise.reject(new RemoteError('validation', 'refused', undefined)), [manager, report]);
    await s.send(manager);
    await s.send(report);
    expect(s.all()[1]).toMatchObject({ status: 'skipped', error: 'not sent: it names m, whose create did not succeed (failed)' });
  });
});
