import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecords } from '../../src/io/records.js';
import type { ReadEvent, ReadOptions } from '../../src/io/types.js';

/** A fresh temporary folder for one test's files, under the run's own (removed when the suite ends). */
export function tempDir(): string {
  return mkdtempSync(join(process.env.HRSYNC_TEST_ROOT ?? tmpdir(), 'hrsync-test-'));
}

let cache: string | undefined;
/**
 * The user's cache folder for the runs of this test file (XDG_CACHE_HOME): the embedded sandbox keeps
 * its state there, one file per working folder — inside the test's own folders, never ~/.cache.
 */
export function testCacheHome(): string {
  return (cache ??= tempDir());
}

/** Writes `content` (text as UTF-8, or raw bytes) to a file in `dir` and returns its path. */
export function write(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export async function readAll(path: string, options: ReadOptions = {}): Promise<ReadEvent[]> {
  const events: ReadEvent[] = [];
  for await (const batch of readRecords(path, options)) events.push(...batch);
  return events;
}

/** Records as [line, values] pairs, and problems as [line, code], for compact assertions. */
export async function summary(path: string, options: ReadOptions = {}) {
  const events = await readAll(path, options);
  const header = events.find((e) => e.kind === 'header');
  return {
    header: header?.kind === 'header' ? header : undefined,
    records: events.flatMap((e) => (e.kind === 'record' ? [[e.record.line, e.record.values] as const] : [])),
    problems: events.flatMap((e) => (e.kind === 'problem' ? [[e.problem.line, e.problem.code] as const] : [])),
    problemDetails: events.flatMap((e) => (e.kind === 'problem' ? [e.problem] : [])),
  };
}

/** A users CSV of `count` people whose keys start with `prefix` (K0, K1 …), all in the samples' company ACME01. */
export function manyUsers(prefix: string, count: number): string {
  const rows = ['Employee ID,First name,Last name,Email,Company ID'];
  for (let i = 0; i < count; i++) rows.push(`${prefix}${i},${prefix}first${i},${prefix}last,${prefix.toLowerCase()}${i}@x.co.uk,ACME01`);
  return rows.join('\n') + '\n';
}

/** A temporary project whose one target, "lms", is an accessplanit at `baseUrl` (its key in AP_KEY). */
/** A project with an accessplanit LMS (the default target, "lms") and a Unified HR source ("hr"), both on the sandbox; the key in AP_KEY. */
export function hrToLmsProject(urls: { accessplanit: string; unified: string }): string {
  return targetsProject({
    lms: { type: 'accessplanit', baseUrl: urls.accessplanit, apiKey: 'env:AP_KEY' },
    hr: { type: 'unified', baseUrl: urls.unified, connectionId: 'sandbox', apiKey: 'env:AP_KEY' },
  });
}

export function lmsProject(baseUrl: string, options: Record<string, unknown> = {}): string {
  const dir = tempDir();
  write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl, apiKey: 'env:AP_KEY', ...options } } }));
  return dir;
}

/** A temporary project whose config holds these targets (and any other top-level settings, e.g. defaultTarget). */
export function configProject(targets: Record<string, Record<string, unknown>>, settings: Record<string, unknown> = {}): string {
  const dir = tempDir();
  write(dir, 'hrsync.config.json', JSON.stringify({ targets, ...settings }));
  return dir;
}

/** A temporary project whose config holds these targets (secrets as env: references), the first one the default. */
export function targetsProject(targets: Record<string, Record<string, unknown>>): string {
  return configProject(targets, { defaultTarget: Object.keys(targets)[0] });
}
