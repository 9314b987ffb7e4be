import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
