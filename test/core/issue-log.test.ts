import { fstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OutputError } from '../../src/errors.js';
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { renderValidationText, SHOWN_PER_CODE, writeValidationGithub, writeValidationJson } from '../../src/cli/render/validation.js';
import { rulesNamed } from '../../src/connectors/registry.js';
import type { Issue } from '../../src/core/model/issues.js';
import { EARLY, IssueLog } from '../../src/core/validate/issue-log.js';
import { SpillFolder } from '../../src/io/spill.js';
import { validateFiles, validateToLog } from '../../src/core/validate/validate-files.js';
import { tempDir, write } from '../helpers/files.js';

const issue = (file: string, line: number, field: string | null, n: number): Issue => ({
  file, line, entity: 'users', field, value: `v${n}`, code: 'invalid_email', message: `m${n} "quoted" ⏎ é`, severity: n % 3 ? 'error' : 'warning', hint: n % 2 ? null : 'h',
});

/** A shuffle that is the same every run. */
function shuffled<T>(items: T[]): T[] {
  let seed = 7;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function all(log: IssueLog): Promise<Issue[]> {
  return log.toArray();
}

describe('the issue log', () => {
  const fields = [null, 'email', 'firstName', 'id', 'custom.x'];
  const issues = Array.from({ length: 600 }, (_, n) => issue(n % 3 ? 'a.csv' : 'b.csv', 2 + ((n * 7) % 90), fields[n % fields.length]!, n));
  // The report's order: files as given (b first here), line, whole-row issues before fields in the model's order, then as found.
  const rank = (i: Issue) => (i.field === null ? -1 : ['id', 'externalId', 'title', 'firstName', 'middleName', 'lastName', 'email'].indexOf(i.field));
  const expected = (list: Issue[]) => list.map((i, n) => ({ i, n })).sort((x, y) => (x.i.file === y.i.file ? 0 : x.i.file === 'b.csv' ? -1 : 1) || x.i.line - y.i.line || rank(x.i) - rank(y.i) || x.n - y.n).map(({ i }) => i);

  it('reads back in report order, whether it held them all or wrote most of them to disk, in any number of runs', async () => {
    for (const held of [10_000, 50, 7, 1]) {
      const tmp = tempDir();
      const log = new IssueLog({ held, tmp });
      const order = shuffled(issues);
      for (const i of order) log.add(i);
      log.order((file) => (file === 'b.csv' ? 0 : 1));
      expect([log.size, log.warnings]).toEqual([600, order.filter((i) => i.severity === 'warning').length]);
      expect(await all(log)).toEqual(expected(order));
      // Read again, and one file alone, the same.
      expect(await all(log)).toEqual(expected(order));
      const a: Issue[] = [];
      for await (const batch of log.of('a.csv')) a.push(...batch);
      expect(a).toEqual(expected(order).filter((i) => i.file === 'a.csv'));
      log.close();
      expect(readdirSync(tmp)).toEqual([]);
    }
  });

  it('leaves nothing on disk while it runs: each file is 0600, its name removed once it is open', async () => {
    const tmp = tempDir();
    const log = new IssueLog({ held: 10, tmp });
    for (const i of issues.slice(0, 95)) log.add(i);
    expect(readdirSync(tmp)).toEqual([]); // written, and already nameless
    log.order(() => 0);
    expect(await all(log)).toHaveLength(95);
    log.close();

    const spill = new SpillFolder(tmp);
    const file = spill.write('{"a":1}\n');
    spill.append(file, '{"b":2}\n');
    expect(readdirSync(tmp)).toEqual([]);
    const stat = fstatSync(file.fd);
    expect(stat.mode & 0o777).toBe(0o600);
    const lines: string[] = [];
    for await (const batch of spill.lines(file)) lines.push(...batch);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    spill.close();
    // Closed: the number is free (or already reused by another open in this process, for another file).
    let after: { ino: number; dev: number } | undefined;
    try {
      after = fstatSync(file.fd);
    } catch {
      after = undefined;
    }
    if (after) expect([after.dev, after.ino]).not.toEqual([stat.dev, stat.ino]);
  });

  it('says what to do when its temporary files cannot be made: a folder that does not exist is not a full disk (exit 74)', () => {
    const missing = new SpillFolder(join(tempDir(), 'nowhere'));
    let thrown: unknown;
    try {
      missing.write('{"a":1}\n');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OutputError);
    expect((thrown as OutputError).message).toMatch(/^could not write a temporary file in .*nowhere: no such folder \(ENOENT\)$/);
    expect((thrown as OutputError).hint).toContain('set TMPDIR to a folder that exists and that hrsync can write to');
  });

  it('puts findings about a file before those about its rows on the same line, whenever they were made', async () => {
    const log = new IssueLog({ held: 2, tmp: tempDir() });
    const row = { ...issue('a.json', 1, null, 1), code: 'one_required' as const };
    const header = { ...issue('a.json', 1, null, 2), code: 'unknown_column' as const };
    log.add(row);
    log.add(header, EARLY);
    expect((await all(log)).map((i) => i.code)).toEqual(['unknown_column', 'one_required']);
    log.close();
  });
});

describe('a validation with more issues than are held in memory', () => {
  it('reports exactly what one holding them all does, and writes its JSON as JSON.stringify would', async () => {
    const dir = tempDir();
    const rows = ['First name,Last name,Email,ID'];
    for (let i = 0; i < 400; i++) rows.push(`F${i},${i % 5 ? 'L' : ''},${i % 2 ? `u${i}@x.nl` : `bad${i}`},${i % 7 ? `I${i}` : 'I0'}`);
    const users = write(dir, 'users.csv', rows.join('\n') + '\n');
    const options = { rules: rulesNamed('generic')! };
    const held = await validateFiles([users], options);
    const logged = await validateToLog([users], { ...options, log: { held: 16, tmp: tempDir() } });
    try {
      expect(held.issues.length).toBeGreaterThan(300);
      expect(await logged.issues.toArray()).toEqual(held.issues);
      const { ok, rules, checkedAgainst, summary, truncated } = held;
      const files = held.files.map(({ dialect: _, ...f }) => f); // how a file is written is not in the JSON
      const json = await output((out) => writeValidationJson(logged, out));
      const shape = held.issues.map(({ file, line, entity, field, value, code, message, severity, hint }) => ({ file, line, entity, field, value, code, message, severity, hint }));
      expect(json).toBe(`${JSON.stringify({ ok, rules, target: rules, checkedAgainst, summary, files, issues: shape, truncated }, null, 2)}\n`);
      expect(await output((out) => writeValidationJson({ ...held, issues: [] }, out))).toBe(`${JSON.stringify({ ok, rules, target: rules, checkedAgainst, summary, files, issues: [], truncated }, null, 2)}\n`);
      expect(await output((out) => writeValidationGithub(logged, out))).toBe(await output((out) => writeValidationGithub(held, out)));
    } finally {
      logged.issues.close();
    }
  });
});

/** What a writer writes to a stream that says it is full after every write (a slow pipe). */
async function output(writer: (out: Writable) => Promise<void>): Promise<string> {
  let text = '';
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      setImmediate(done);
    },
  });
  await writer(out);
  return text;
}

describe('a log that keeps the first issues of each code (validate in text)', () => {
  const codes = ['invalid_email', 'required', 'duplicate_key'] as const;
  const fields = [null, 'email', 'firstName', 'id'];
  // Three files, three codes, lines repeated (a code twice on a line), a severity that differs within a code.
  const stream = shuffled(
    Array.from({ length: 3000 }, (_, n): Issue => ({
      file: ['a.csv', 'b.csv', 'c.csv'][n % 3]!, line: 2 + ((n * 13) % 400), entity: 'users', field: fields[n % fields.length]!, value: `v${n}`,
      code: codes[(n >> 2) % codes.length]!, message: `m${n}`, severity: n % 7 ? 'error' : 'warning', hint: n % 5 ? null : `hint ${n % 3}`,
    })),
  );
  const report = (issues: IssueLog) => ({
    ok: false, target: 'generic', checkedAgainst: null, truncated: false, issues,
    summary: { files: 4, rows: 400, errors: 1, warnings: 1 },
    files: ['b.csv', 'a.csv', 'c.csv', 'b.csv'].map((file) => ({ file, entity: 'users', entityReason: 'its columns', rows: 400, errors: 1, warnings: 1 })),
  }) as unknown as Parameters<typeof renderValidationText>[0];
  const plain = { bold: String, dim: String, red: String, green: String, yellow: String, cyan: String } as unknown as Parameters<typeof renderValidationText>[1];

  it('prints the same text as a log that holds every issue, and never writes to disk', async () => {
    const tmp = tempDir();
    const whole = new IssueLog({ held: 50, tmp: tempDir() });
    const first = new IssueLog({ held: 50, tmp, first: SHOWN_PER_CODE });
    for (const i of stream) {
      whole.add({ ...i });
      first.add({ ...i });
    }
    for (const log of [whole, first]) log.order((file) => ['b.csv', 'a.csv', 'c.csv'].indexOf(file));
    expect([first.size, first.warnings]).toEqual([whole.size, whole.warnings]);
    const text = await renderValidationText(report(first), plain);
    expect(text).toContain('… and');
    expect(text).toEqual(await renderValidationText(report(whole), plain));
    // It kept at most SHOWN_PER_CODE issues of each code in each file, so it never spilled.
    expect(readdirSync(tmp)).toEqual([]);
    let kept = 0;
    for (const file of first.files) for await (const batch of first.of(file)) kept += batch.length;
    expect(kept).toBeLessThanOrEqual(3 * codes.length * SHOWN_PER_CODE);
    whole.close();
    first.close();
  });

  it('refuses to be read whole: JSON, GitHub and --verbose need every issue', async () => {
    const log = new IssueLog({ first: SHOWN_PER_CODE });
    log.add(stream[0]!);
    await expect(log.toArray()).rejects.toThrow(/does not hold them all/);
    await expect(renderValidationText(report(log), plain, true)).rejects.toThrow(/--verbose/);
    log.close();
  });
});
