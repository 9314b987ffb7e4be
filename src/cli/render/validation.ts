import { inOrder, IssueLog, type CodeCount, type Issues } from '../../core/validate/issue-log.js';
import type { FileSummary, ValidationReport } from '../../core/validate/validate-files.js';
import type { Hint, Issue } from '../../core/model/issues.js';
import { ENTITY_GIVEN } from '../../core/validate/batch.js';
import { printable } from '../printable.js';
import { formatCount, plural, type Colours, type OutStream } from '../terminal.js';

/**
 * Writes text to an output stream, waiting while it is full (a slow pipe), so that a long document is
 * never held whole in memory — not even in the stream's own buffer.
 */
export async function put(out: OutStream, text: string): Promise<void> {
  if (out.write(text)) return;
  const emitter = out as OutStream & Partial<Pick<NodeJS.EventEmitter, 'once' | 'removeListener'>>;
  if (!emitter.once || !emitter.removeListener) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error']) emitter.removeListener!(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error']) emitter.once!(event, done);
  });
}

const p = (text: string) => printable(text, true);

/** Issues of one kind listed per file before the rest is only counted (--verbose lists all). */
export const SHOWN_PER_CODE = 5;

/** Where an issue is in a workbook: the sheet, and the cell when its field was read from a column. */
export interface SheetPlace {
  sheet: string;
  cell?: string;
}

/**
 * Where the issues of a report are, in words: `users.csv:12` in a text file; in a workbook the sheet
 * and the cell, as Excel shows them — `staff.xlsx, sheet "Mitarbeiter", cell C12` — or the row, for
 * an issue of the whole row.
 */
export class Places {
  private readonly books = new Map<string, Pick<FileSummary, 'sheet' | 'cells'> & { sheet: string }>();

  constructor(files: readonly FileSummary[]) {
    for (const f of files) if (f.sheet !== undefined) this.books.set(f.file, { sheet: f.sheet, ...(f.cells ? { cells: f.cells } : {}) });
  }

  /** The row of a workbook's header (its findings are the file's): 1 in any other file. */
  headerRow(file: string): number {
    return this.books.get(file)?.cells?.header ?? 1;
  }

  /** Whether the file is a workbook (its places are a sheet's rows and cells). */
  inBook(file: string): boolean {
    return this.books.has(file);
  }

  /** The sheet and cell of a place in a workbook; undefined in any other file. */
  of(file: string, line: number, field: string | null, value: string | null = null): SheetPlace | undefined {
    const book = this.books.get(file);
    if (!book) return undefined;
    // On the header's row (or above it: the file's) an issue is about a column, named by its value; below it, about a field's cell.
    const [letters, key] = book.cells && line <= book.cells.header ? [book.cells.columns, value] : [book.cells?.fields, field];
    const letter = letters && key !== null && Object.hasOwn(letters, key) ? letters[key] : undefined;
    return { sheet: book.sheet, ...(letter ? { cell: `${letter}${line}` } : {}) };
  }

  /**
   * A place in words: the cell where there is one, else the row (the line). Not the sheet again when
   * the message names it (the reader's own: `sheet "Staff", cell B3: the cell holds …`).
   */
  text(file: string, line: number, field: string | null, message = '', value: string | null = null): string {
    const place = this.of(file, line, field, value);
    if (!place) return `${file}:${line}`;
    if (!place.cell && message.startsWith(`sheet "${place.sheet}"`)) return `${file}, row ${line}`;
    return `${file}, sheet "${place.sheet}", ${place.cell ? `cell ${place.cell}` : `row ${line}`}`;
  }
}

/**
 * Text: per file, its issues one line each (file:line, severity, message) — the first few of each
 * kind, then how many more — and its counts; then, when there are issues, a summary by issue code
 * with counts and where each first occurs. A 5,000-row file with two repeated mistakes is a screen,
 * not 10,000 lines. The issues are read once, in order; only the lines shown and counts are kept.
 */
export async function renderValidationText(report: ValidationReport<Issues>, c: Colours, verbose = false): Promise<string> {
  const out: string[] = [];
  const places = new Places(report.files);
  const codes = new CodeTally(places);
  const tallied = new Set<string>();
  // A log that kept only the first issues of each code (SHOWN_PER_CODE of them, at least) counts the rest.
  const partial = report.issues instanceof IssueLog && report.issues.partial ? report.issues : undefined;
  if (partial && verbose) throw new Error('--verbose lists every issue: the log must hold them all');
  for (const file of report.files) {
    // A file given twice lists its issues twice, as it always did; the summary by code counts them once.
    const tally = !tallied.has(file.file);
    tallied.add(file.file);
    let any = false;
    const hinted = new Set<string>();
    const seen = new Map<string, number>();
    for await (const issues of inOrder(report.issues, file.file))
      for (const issue of issues) {
        if (!any) out.push(c.bold(p(file.file)));
        any = true;
        if (tally) codes.add(issue, !partial);
        const n = (seen.get(issue.code) ?? 0) + 1;
        seen.set(issue.code, n);
        if (!verbose && n > SHOWN_PER_CODE) continue;
        const sev = issue.severity === 'error' ? c.red('error  ') : c.yellow('warning');
        out.push(`  ${c.cyan(p(places.text(file.file, issue.line, issue.field, issue.message, issue.value)))}  ${sev}  ${p(issue.message)}  ${c.dim(`[${issue.code}]`)}`);
        // A hint once per kind of issue per file: enough to act on, without repeating it a thousand times.
        const hint = hintText(issue.hint);
        if (hint && !hinted.has(issue.code)) {
          hinted.add(issue.code);
          out.push(`      ${c.dim(`hint: ${p(hint)}`)}`);
        }
      }
    if (partial)
      for (const [code, counted] of partial.codeCounts(file.file)) {
        seen.set(code, counted.count);
        if (tally) codes.count(code, counted);
      }
    for (const [code, n] of seen) if (!verbose && n > SHOWN_PER_CODE) out.push(c.dim(`  … and ${formatCount(n - SHOWN_PER_CODE)} more [${code}] (--verbose lists all)`));
    if (file.entity && file.entityReason.startsWith('the file name'))
      out.push(c.dim(`  (read as ${file.entity} because of ${file.entityReason}; pass --entity to be explicit)`));
    const counts = `${plural(file.rows, 'row')}, ${plural(file.errors, 'error')}, ${plural(file.warnings, 'warning')}`;
    out.push(`${p(file.file)}: ${file.entity ? `${file.entity}, ` : ''}${file.errors ? c.red(counts) : counts}`);
    if (any) out.push('');
  }
  out.push(...byCode(codes.summary(), c));
  if (report.truncated) out.push(c.yellow(`stopped after ${plural(report.summary.errors, 'error')} (--max-errors); the rest was not checked`));
  const { files, rows, errors, warnings } = report.summary;
  if (files > 1 || report.truncated) {
    const total = `${plural(files, 'file')}, ${plural(rows, 'row')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    out.push(errors ? c.red(`✖ ${total}`) : c.green(`✔ ${total}`));
  } else if (errors === 0) out.push(c.green(`✔ valid for ${p(report.checkedAgainst ?? report.rules)}`));
  return out.join('\n') + '\n';
}

/** One issue code of a report: its severity, how many issues and lines, and its first three lines (file:line and their fields, as read). */
export interface CodeSummary {
  severity: Issue['severity'];
  count: number;
  lines: number;
  first: string[];
  /** Its lines are a workbook's rows (every place named is in one). */
  rows?: true;
}

/**
 * Issues counted by code as they are read in report order: a line's issues come together, so the lines
 * of a code are counted as it moves to another — nothing is kept per issue.
 */
export class CodeTally {
  private readonly codes = new Map<string, { severity: Issue['severity']; count: number; lines: number; last: string; lastLine: number; first: FirstLine[]; file: string; inFile: number }>();

  /** `places`: how a line reads (a workbook's sheet and row); default file:line. */
  constructor(private readonly places?: Places) {}

  /** An issue, in report order; counted unless `counted` is false (its code's counts come from count()). */
  add(issue: Issue, counted = true): void {
    let entry = this.codes.get(issue.code);
    if (!entry) this.codes.set(issue.code, (entry = { severity: issue.severity, count: 0, lines: 0, last: '', lastLine: 0, first: [], file: '', inFile: 0 }));
    // A file's issues of a code come together: the first few of them (all a partial log keeps) name the
    // first lines, each once, with the fields the code was found in there: "users.csv:12 (firstName, lastName)".
    const at = entry.first.at(-1);
    entry.inFile = entry.file === issue.file ? entry.inFile + 1 : 1;
    entry.file = issue.file;
    if (entry.inFile > SHOWN_PER_CODE) {
      // counted below, not named
    } else if (at?.file === issue.file && at.line === issue.line) {
      if (issue.field !== null && !at.fields.includes(issue.field)) at.fields.push(issue.field);
    } else if (entry.first.length < 3) entry.first.push({ file: issue.file, line: issue.line, fields: issue.field === null ? [] : [issue.field] });
    if (!counted) return;
    entry.count++;
    if (entry.lines === 0 || entry.lastLine !== issue.line || entry.last !== issue.file) {
      entry.lines++;
      entry.last = issue.file;
      entry.lastLine = issue.line;
    }
  }

  /** A code's issues and lines in one file, counted elsewhere (a log that kept only the first of them): its first issue was add()ed. */
  count(code: string, counted: CodeCount): void {
    const entry = this.codes.get(code);
    if (!entry) return;
    entry.count += counted.count;
    entry.lines += counted.lines;
  }

  /** The issues by code, errors first, then by count. */
  summary(): Array<[string, CodeSummary]> {
    // A workbook's file and sheet are said once: "staff.xlsx, sheet "Staff", row 3 (email), row 4 (email)".
    const line = ({ file, line, fields }: FirstLine, i: number, all: FirstLine[]) => {
      const again = i > 0 && all[i - 1]!.file === file && this.places?.inBook(file);
      return `${again ? `row ${line}` : this.places ? this.places.text(file, line, null) : `${file}:${line}`}${fields.length ? ` (${fields.join(', ')})` : ''}`;
    };
    return [...this.codes]
      .map(([code, { severity, count, lines, first }]): [string, CodeSummary] => [code, { severity, count, lines, first: first.map(line), ...(first.length && first.every((f) => this.places?.inBook(f.file)) ? { rows: true as const } : {}) }])
      .sort(([, a], [, b]) => (a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1));
  }
}

/** A line where a code was first found, and the fields it was found in there. */
interface FirstLine {
  file: string;
  line: number;
  fields: string[];
}

/** The issues (in report order) by code, errors first, then by count: the text's "Issues by code" and the HTML report's. */
export function issuesByCode(issues: readonly Issue[]): Array<[string, CodeSummary]> {
  const tally = new CodeTally();
  for (const issue of issues) tally.add(issue);
  return tally.summary();
}

/** "Issues by code": one line per code (errors first, then by count), its count, rows and where it first occurs. */
function byCode(sorted: Array<[string, CodeSummary]>, c: Colours): string[] {
  if (sorted.length === 0) return [];
  const width = Math.max(...sorted.map(([code]) => code.length));
  const countWidth = Math.max(...sorted.map(([, e]) => formatCount(e.count).length));
  return [
    c.bold('Issues by code'),
    ...sorted.map(([code, e]) => {
      const sev = e.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      const where = `${e.first.map(p).join(', ')}${e.lines > e.first.length ? ', …' : ''}`;
      return `  ${sev}  ${code.padEnd(width)}  ${formatCount(e.count).padStart(countWidth)}  ${c.dim(`on ${plural(e.lines, e.rows ? 'row' : 'line')}: ${where}`)}`;
    }),
    '',
  ];
}

/** What is written of a chunk of output before it goes to the stream. */
const CHUNK = 64 * 1024;

/** Text gathered into chunks of about CHUNK before each is put to `out` (add waits only then); end() puts the rest. */
function chunked(out: OutStream): { add(text: string): Promise<void> | undefined; end(text: string): Promise<void> } {
  let held = '';
  return {
    add(text) {
      held += text;
      if (held.length < CHUNK) return undefined;
      const full = held;
      held = '';
      return put(out, full);
    },
    end: (text) => put(out, held + text),
  };
}

/**
 * JSON: the documented, stable shape (docs/guides/validate.md, "Output") — the text JSON.stringify(…, null, 2) makes
 * of it — written as the issues are read: the document is never held whole.
 */
export async function writeValidationJson(report: ValidationReport<Issues>, out: OutStream): Promise<void> {
  const { ok, rules, checkedAgainst, summary, files, truncated } = report;
  // "target" is the rule set's name too, as it always was: kept for the scripts that read it.
  const named = files.map(({ dialect: _, ...f }) => ({ ...f, entityReason: entityReasonText(f.entityReason) }));
  const whole = JSON.stringify({ ok, rules, target: rules, checkedAgainst, summary, files: named, issues: [], truncated }, null, 2);
  const at = whole.lastIndexOf('"issues": []') + '"issues": ['.length;
  const text = chunked(out);
  await text.add(whole.slice(0, at));
  let first = true;
  const places = new Places(files);
  for await (const issues of inOrder(report.issues))
    for (const { file, line, entity, field, value, code, message, severity, hint } of issues) {
      // A workbook's issue also says its sheet and cell (`sheet`, and `cell` where its field has a column).
      const place = places.of(file, line, field, value);
      await text.add(`${first ? '' : ','}\n    ${JSON.stringify({ file, line, entity, field, value, code, message, severity, hint: hintText(hint), ...place }, null, 2).replace(/\n/g, '\n    ')}`);
      first = false;
    }
  await text.end(`${first ? '' : '\n  '}${whole.slice(at)}\n`);
}

/** GitHub Actions workflow commands: escaping per the runner's rules for properties and messages. */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** An issue's hint in words: an option it names, as the flag that sets it (`--map`). */
export function hintText(hint: Hint | null): string | null {
  return hint === null || typeof hint === 'string' ? hint : hint.text.replace('{option}', `--${hint.option}`);
}

/** Why a file was read as its entity, in words: an entity given, by the flag that gives it. */
export function entityReasonText(reason: string): string {
  return reason === ENTITY_GIVEN ? '--entity' : reason;
}

/** An annotation of an issue; in a workbook its message starts with the sheet and cell (GitHub shows a workbook's row only). */
export function githubAnnotation(issue: Issue, place?: SheetPlace): string {
  const title = issue.field ?? issue.code;
  const hint = hintText(issue.hint);
  const where = place && !issue.message.startsWith(`sheet "${place.sheet}"`) ? `sheet "${place.sheet}", ${place.cell ? `cell ${place.cell}` : `row ${issue.line}`}: ` : '';
  const message = p(`${where}${hint ? `${issue.message} (${hint})` : issue.message}`);
  return `::${issue.severity} file=${escapeProperty(p(issue.file))},line=${issue.line},title=${escapeProperty(title)}::${escapeData(message)}`;
}

/** GitHub Actions: an annotation per issue, written as they are read, then the counts. */
export async function writeValidationGithub(report: ValidationReport<Issues>, out: OutStream): Promise<void> {
  const text = chunked(out);
  const places = new Places(report.files);
  for await (const issues of inOrder(report.issues)) for (const issue of issues) await text.add(`${githubAnnotation(issue, places.of(issue.file, issue.line, issue.field, issue.value))}\n`);
  const { files, rows, errors, warnings } = report.summary;
  await text.end(`${plural(files, 'file')}, ${formatCount(rows)} rows, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
}

/** The issues the HTML report shows: the first `limit` in report order, how many there are, and the counts by code. */
export interface IssueDigest {
  shown: Issue[];
  total: number;
  byCode: Array<[string, CodeSummary]>;
}

/** Reads the issues once, keeping only what the HTML report shows of them. */
export async function digestIssues(issues: Issues, limit: number, places?: Places): Promise<IssueDigest> {
  const shown: Issue[] = [];
  const tally = new CodeTally(places);
  let total = 0;
  for await (const batch of inOrder(issues))
    for (const issue of batch) {
      total++;
      tally.add(issue);
      if (shown.length < limit) shown.push(issue);
    }
  return { shown, total, byCode: tally.summary() };
}
