import { SpillFolder, type SpillFile } from '../../io/spill.js';
import { detach } from '../../shared/detach.js';
import type { Entity } from '../model/entities.js';
import { FIELDS } from '../model/fields.js';
import type { Issue } from '../model/issues.js';

/**
 * Issues held in memory at most; past this, they go to disk in sorted runs. Few, so that an issue is
 * gone before the garbage collector moves it to the old generation (which would grow the heap).
 */
const HELD = 2048;
/** Runs merged at once at most (each read a piece at a time); more are merged in rounds. */
const FAN = 32;
/** Issues per batch handed to a reader. */
const BATCH = 1024;

/**
 * When an issue was found, for the order of issues of one line with the same rank: findings about the
 * files and their headers (phases 1 and 2, and a JSON file's header, given once the file is read) come
 * before those about its rows.
 */
export const EARLY = 0;
export const LATE = 1;

/** An issue with its place in the report: line, the rank of its field, when it was found, and in what order. */
interface Entry {
  issue: Issue;
  rank: number;
  band: number;
  seq: number;
}

const before = (a: Entry, b: Entry) => a.issue.line - b.issue.line || a.rank - b.rank || a.band - b.band || a.seq - b.seq;

const RANKS = new Map<Entity, Map<string, number>>();
/** Where a field stands in its entity's model (whole-row issues first): the order of one line's issues. */
function rankOf(issue: Issue): number {
  if (issue.field === null || !issue.entity) return -1;
  let ranks = RANKS.get(issue.entity);
  if (!ranks) RANKS.set(issue.entity, (ranks = new Map(FIELDS[issue.entity].map((d, i) => [d.name, i]))));
  return ranks.get(issue.field) ?? -1;
}

/** One file's issues: those held, and the sorted runs already on disk (the last one's last issue). */
interface Part {
  held: Entry[];
  runs: SpillFile[];
  last: Entry | undefined;
}

/** One issue code of one file, in a log that keeps the first few of each code: how many, on how many lines. */
export interface CodeCount {
  count: number;
  lines: number;
}

/** A code of one file in such a log: its first issues in report order (at most `first`), its count, and which lines it is on (a bit per line). */
interface Kept extends CodeCount {
  entries: Entry[];
  seen: Uint8Array;
}

/** Marks a line in a bit set that grows as needed; true when it was not marked before. */
function mark(kept: Kept, line: number): boolean {
  const byte = line >>> 3;
  if (byte >= kept.seen.length) {
    const grown = new Uint8Array(Math.max(byte + 1, kept.seen.length * 2));
    grown.set(kept.seen);
    kept.seen = grown;
  }
  const bit = 1 << (line & 7);
  if (kept.seen[byte]! & bit) return false;
  kept.seen[byte]! |= bit;
  return true;
}

/**
 * The issues of a validation, in bounded memory. They come as the phases find them; they are read in
 * report order — per file, by line, a line's whole-row issues before those of its fields in the model's
 * order, then as found. Up to HELD issues stay in memory (a run with few issues never touches the
 * disk); past that, each file's are sorted and written as a run to a private temporary folder, and
 * reading merges the runs. Counts are kept as issues come. close() removes what was written.
 */
export class IssueLog {
  private readonly parts = new Map<string, Part>();
  private held = 0;
  private seq = 0;
  private spill: SpillFolder | undefined;
  private rankFile: (file: string) => number = () => 0;
  /** With `first`: per file, per code, the first issues in report order, and counts. */
  private readonly kept = new Map<string, Map<string, Kept>>();
  /** Issues, and of them warnings. */
  size = 0;
  warnings = 0;

  /**
   * `first`: keep only the first `first` issues of each code in each file (in report order), and of the
   * rest only counts (codeCounts): a text report that shows a few of each kind reads a million issues at
   * the cost of counting them. Such a log is `partial`: of() and all() give only the issues kept.
   */
  constructor(private readonly options: { held?: number; tmp?: string; first?: number } = {}) {}

  /** Whether only the first few issues of each code are kept (see the constructor). */
  get partial(): boolean {
    return this.options.first !== undefined;
  }

  add(issue: Issue, band: number = LATE): void {
    this.size++;
    if (issue.severity === 'warning') this.warnings++;
    if (this.options.first !== undefined) return this.keep(issue, band, this.options.first);
    detachStrings(issue); // kept in memory until written to disk
    let part = this.parts.get(issue.file);
    if (!part) this.parts.set(issue.file, (part = { held: [], runs: [], last: undefined }));
    part.held.push({ issue, rank: rankOf(issue), band, seq: this.seq++ });
    if (++this.held >= (this.options.held ?? HELD)) this.writeRuns();
  }

  /**
   * A partial log: the issue among the first `first` of its code and file, in report order, or else only
   * counted. Issues mostly come in line order, so most are counted after one comparison.
   */
  private keep(issue: Issue, band: number, first: number): void {
    if (!this.parts.has(issue.file)) this.parts.set(issue.file, { held: [], runs: [], last: undefined });
    let codes = this.kept.get(issue.file);
    if (!codes) this.kept.set(issue.file, (codes = new Map()));
    let kept = codes.get(issue.code);
    if (!kept) codes.set(issue.code, (kept = { entries: [], count: 0, lines: 0, seen: new Uint8Array(64) }));
    kept.count++;
    if (mark(kept, issue.line)) kept.lines++;
    const { entries } = kept;
    const last = entries.at(-1);
    if (entries.length >= first && last && issue.line > last.issue.line) return;
    const entry = { issue, rank: rankOf(issue), band, seq: this.seq++ };
    if (entries.length >= first && before(entry, last!) >= 0) return;
    let at = entries.length;
    while (at > 0 && before(entry, entries[at - 1]!) < 0) at--;
    detachStrings(issue);
    entries.splice(at, 0, entry);
    if (entries.length > first) entries.pop();
  }

  /** A partial log's counts of one file's issues by code (empty for a whole log). */
  codeCounts(file: string): Map<string, CodeCount> {
    return new Map([...(this.kept.get(file) ?? [])].map(([code, { count, lines }]) => [code, { count, lines }]));
  }

  /** The files that have issues, in the order their first issue came. */
  get files(): string[] {
    return [...this.parts.keys()];
  }

  /** One file's issues in report order, in batches (of a partial log: those kept). */
  async *of(file: string): AsyncGenerator<Issue[]> {
    const codes = this.kept.get(file);
    if (codes) {
      const entries = [...codes.values()].flatMap((k) => k.entries).sort(before);
      for (let i = 0; i < entries.length; i += BATCH) yield entries.slice(i, i + BATCH).map((e) => e.issue);
      return;
    }
    const part = this.parts.get(file);
    if (!part) return;
    const held = [...part.held].sort(before);
    if (part.runs.length === 0) {
      for (let i = 0; i < held.length; i += BATCH) yield held.slice(i, i + BATCH).map((e) => e.issue);
      return;
    }
    while (part.runs.length > FAN) {
      const runs: SpillFile[] = [];
      for (let i = 0; i < part.runs.length; i += FAN) {
        const group = part.runs.slice(i, i + FAN);
        if (group.length === 1) runs.push(group[0]!);
        else {
          let run: SpillFile | undefined;
          for await (const entries of merge(group.map((r) => this.read(r, file)))) {
            const text = entries.map(line).join('');
            if (run) this.spill!.append(run, text);
            else run = this.spill!.write(text);
          }
          for (const r of group) this.spill!.remove(r);
          runs.push(run!);
        }
      }
      part.runs = runs;
    }
    for await (const entries of merge([...part.runs.map((run) => this.read(run, file)), fromArray(held)])) yield entries.map((e) => e.issue);
  }

  /** How the files rank in the report: the order they were given. */
  order(rank: (file: string) => number): void {
    this.rankFile = rank;
  }

  /** Every issue in report order: the files as ranked (see order()), each as of() reads it. */
  async *all(): AsyncGenerator<Issue[]> {
    if (this.partial) throw new Error('a log that keeps the first issues of each code does not hold them all');
    const files = this.files.map((file, i) => ({ file, i, at: this.rankFile(file) })).sort((a, b) => a.at - b.at || a.i - b.i);
    for (const { file } of files) yield* this.of(file);
  }

  /** Every issue in report order, in one array: for a caller that holds them anyway (import plans from them). */
  async toArray(): Promise<Issue[]> {
    const out: Issue[] = [];
    for await (const batch of this.all()) for (const issue of batch) out.push(issue);
    return out;
  }

  /** Removes what was written to disk; the log is empty after. */
  close(): void {
    this.spill?.close();
    this.spill = undefined;
    this.parts.clear();
    this.kept.clear();
    this.held = 0;
  }

  /**
   * Writes each file's held issues, sorted: onto its last run when they all come after it (issues mostly
   * come in line order, so a file's rows make one long run), else as a new run.
   */
  private writeRuns(): void {
    this.spill ??= new SpillFolder(this.options.tmp);
    for (const part of this.parts.values()) {
      if (part.held.length === 0) continue;
      part.held.sort(before);
      const text = part.held.map(line).join('');
      if (part.last && before(part.last, part.held[0]!) < 0) this.spill.append(part.runs.at(-1)!, text);
      else part.runs.push(this.spill.write(text));
      part.last = part.held.at(-1);
      part.held = [];
    }
    this.held = 0;
  }

  private async *read(run: SpillFile, file: string): AsyncGenerator<Entry[]> {
    for await (const lines of this.spill!.lines(run))
      yield lines.map((text) => {
        const [line, rank, band, seq, entity, field, value, code, message, severity, hint] = JSON.parse(text) as [number, number, number, number, ...unknown[]];
        return { issue: { file, line, entity, field, value, code, message, severity, hint } as Issue, rank, band, seq };
      });
  }
}

/** A report's issues: an array (held whole), or a log read back from disk (`validate`: any number of them). */
export type Issues = readonly Issue[] | IssueLog;

/** Issues in report order, in batches; of one file only when it is named. */
export async function* inOrder(issues: Issues, file?: string): AsyncGenerator<readonly Issue[]> {
  if (issues instanceof IssueLog) yield* file === undefined ? issues.all() : issues.of(file);
  else yield file === undefined ? issues : issues.filter((i) => i.file === file);
}

/** A kept issue's strings must not keep the text they were cut from alive (see detach). */
function detachStrings(issue: Issue): void {
  issue.message = detach(issue.message);
  if (issue.value !== null) issue.value = detach(issue.value);
  if (issue.hint !== null) issue.hint = typeof issue.hint === 'string' ? detach(issue.hint) : { text: detach(issue.hint.text), option: issue.hint.option };
}

/** An issue as a line of a run (its file is the run's). */
const line = ({ issue: i, rank, band, seq }: Entry) => `${JSON.stringify([i.line, rank, band, seq, i.entity, i.field, i.value, i.code, i.message, i.severity, i.hint])}\n`;

async function* fromArray(entries: Entry[]): AsyncGenerator<Entry[]> {
  if (entries.length) yield entries;
}

/** A sorted source being merged: its current batch and where in it. */
interface Head {
  source: AsyncGenerator<Entry[]>;
  batch: Entry[];
  at: number;
}

/** Merges sorted sources into one order, in batches (a binary heap of their heads). */
async function* merge(sources: Array<AsyncGenerator<Entry[]>>): AsyncGenerator<Entry[]> {
  const heap: Head[] = [];
  const less = (a: Head, b: Head) => before(a.batch[a.at]!, b.batch[b.at]!) < 0;
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  try {
    for (const source of sources) {
      const first = await source.next();
      if (!first.done && first.value.length) heap.push({ source, batch: first.value, at: 0 });
    }
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    let out: Entry[] = [];
    while (heap.length) {
      const top = heap[0]!;
      out.push(top.batch[top.at]!);
      if (++top.at === top.batch.length) {
        let next = await top.source.next();
        while (!next.done && next.value.length === 0) next = await top.source.next();
        if (next.done) {
          heap[0] = heap[heap.length - 1]!;
          heap.pop();
        } else {
          top.batch = next.value;
          top.at = 0;
        }
      }
      if (heap.length) down(0);
      if (out.length >= BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  } finally {
    // A reader that stops early: the files being read are closed.
    await Promise.all(sources.map((source) => source.return(undefined)));
  }
}
