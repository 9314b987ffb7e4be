import { describe, expect, it } from 'vitest';
import type { OpenedTarget } from '../../src/app/open-target.js';
import { writeRun, type WriteRunOptions } from '../../src/app/write-run.js';
import type { LockRequest, RunRecord, StateStore, Connection } from '../../src/core/ports.js';
import { ExitCode, SafetyStop, StateUnavailable } from '../../src/errors.js';

/** What happened to the fake target and state, in order. */
type Event = string;

/** An opened target whose state store and lock only say what was done to them. */
function fakeOpened(events: Event[], options: { target?: boolean } = {}): OpenedTarget {
  const state = {
    backend: 'dir',
    where: '/nowhere',
    async lock(_resource: string, label: string, what: string, request?: LockRequest) {
      events.push(`lock ${label}: ${what}${request?.waitMs ? ` (wait ${request.waitMs} ms)` : ''}`);
      return { release: async () => void events.push('release') };
    },
    async recordRun(run: RunRecord) {
      events.push(`record ${run.command} ${run.target} exit ${run.exitCode} ${JSON.stringify(run.counts)}${run.source ? ` from ${run.source}` : ''}`);
    },
    async close() {
      events.push('close state');
    },
  } as unknown as StateStore;
  const target = options.target === false ? undefined : ({ name: 'lms', label: 'accessplanit "lms"', identity: 'accessplanit https://lms.example' } as unknown as Connection);
  return {
    target, rules: undefined, connector: undefined, note: undefined, embedded: false, home: '/nowhere',
    lockKey: target?.identity, state,
    close: async () => void events.push('close'),
  };
}

const options = (events: Event[], more: Partial<WriteRunOptions<undefined>> = {}): WriteRunOptions<undefined> => ({
  command: 'import',
  record: true,
  lock: { what: (opened) => `import into ${opened.target?.label}`, waitMs: 2000 },
  warn: (message) => events.push(`warn ${message}`),
  ...more,
});

describe('writeRun: the envelope of every run that writes', () => {
  it('on success: locks, runs the body, releases, records the run with its counts and exit code, closes', async () => {
    const events: Event[] = [];
    const code = await writeRun(async () => fakeOpened(events), options(events, { source: 'hr', counts: { create: 1 } }), async (run) => {
      events.push(`body (lock held: ${run.lock !== undefined})`);
      run.counts.applied = 1;
      return ExitCode.ok;
    });
    expect(code).toBe(ExitCode.ok);
    expect(events).toEqual([
      'lock accessplanit "lms": import into accessplanit "lms" (wait 2000 ms)',
      'body (lock held: true)',
      'release',
      'record import lms exit 0 {"create":1,"applied":1} from hr',
      'close',
    ]);
  });

  it('on failure: the error goes on, and the run is recorded with the exit code it carries, after the lock is released', async () => {
    const events: Event[] = [];
    const run = writeRun(async () => fakeOpened(events), options(events), async () => {
      throw new SafetyStop('too many missing');
    });
    await expect(run).rejects.toThrow('too many missing');
    expect(events.slice(1)).toEqual(['release', 'record import lms exit 6 {}', 'close']);
    // An error that is not hrsync's own is an internal one: exit 1.
    const other: Event[] = [];
    await expect(writeRun(async () => fakeOpened(other), options(other), async () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
    expect(other.slice(1)).toEqual(['release', 'record import lms exit 1 {}', 'close']);
  });

  it('with the state store down: the lock is released and the target closed, and no record is attempted', async () => {
    const events: Event[] = [];
    const run = writeRun(async () => fakeOpened(events), options(events), async () => {
      throw new StateUnavailable('the state database cannot be reached');
    });
    await expect(run).rejects.toBeInstanceOf(StateUnavailable);
    expect(events.slice(1)).toEqual(['release', 'close']);
  });

  it('records nothing when no target was opened: opening failed, or the name was a rule set', async () => {
    const events: Event[] = [];
    let ran = false;
    await expect(writeRun(() => Promise.reject(new SafetyStop('cannot open')), options(events), async () => ((ran = true), 0))).rejects.toThrow('cannot open');
    expect([ran, events]).toEqual([false, []]);
    const rules: Event[] = [];
    expect(await writeRun(async () => fakeOpened(rules, { target: false }), options(rules), async () => ExitCode.ok)).toBe(0);
    expect(rules).toEqual(['close']);
  });

  it('takes no lock and keeps no record for a run that writes nothing (a dry run), and checks before it locks', async () => {
    const events: Event[] = [];
    const dry = options(events, { record: false });
    delete dry.lock;
    expect(await writeRun(async () => fakeOpened(events), dry, async (run) => (run.lock === undefined ? ExitCode.changes : -1))).toBe(ExitCode.changes);
    expect(events).toEqual(['close']);
    // A check that fails before the lock: no lock taken, the run still recorded (it set out to write).
    const checked: Event[] = [];
    const refused = writeRun(async () => fakeOpened(checked), options(checked, { prepare: () => Promise.reject(new SafetyStop('read-only')) }), async () => ExitCode.ok);
    await expect(refused).rejects.toThrow('read-only');
    expect(checked).toEqual(['record import lms exit 6 {}', 'close']);
  });
});
