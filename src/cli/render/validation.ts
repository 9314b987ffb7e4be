import type { ChalkInstance } from 'chalk';
import type { ValidationReport } from '../../core/validate/validate-files.js';
import type { Issue } from '../../core/model/issues.js';
import { printable } from '../printable.js';
import { formatCount, plural } from '../terminal.js';

const p = (text: string) => printable(text, true);

/** Issues of one kind listed per file before the rest is only counted (--verbose lists all). */
const SHOWN_PER_CODE = 5;

/**
 * Text: per file, its issues one line each (file:line, severity, message) — the first few of each
 * kind, then how many more — and its counts; then, when there are issues, a summary by issue code
 * with counts and where each first occurs. A 5,000-row file with two repeated mistakes is a screen,
 * not 10,000 lines.
 */
export function renderValidationText(report: ValidationReport, c: ChalkInstance, verbose = false): string {
  const out: string[] = [];
  for (const file of report.files) {
    const issues = report.issues.filter((i) => i.file === file.file);
    if (issues.length) {
      out.push(c.bold(p(file.file)));
      const hinted = new Set<string>();
      const seen = new Map<string, number>();
      for (const issue of issues) {
        const n = (seen.get(issue.code) ?? 0) + 1;
        seen.set(issue.code, n);
        if (!verbose && n > SHOWN_PER_CODE) continue;
        const sev = issue.severity === 'error' ? c.red('error  ') : c.yellow('warning');
        out.push(`  ${c.cyan(`${p(file.file)}:${issue.line}`)}  ${sev}  ${p(issue.message)}  ${c.dim(`[${issue.code}]`)}`);
        // A hint once per kind of issue per file: enough to act on, without repeating it a thousand times.
        if (issue.hint && !hinted.has(issue.code)) {
          hinted.add(issue.code);
          out.push(`      ${c.dim(`hint: ${p(issue.hint)}`)}`);
        }
      }
      for (const [code, n] of seen) if (!verbose && n > SHOWN_PER_CODE) out.push(c.dim(`  … and ${formatCount(n - SHOWN_PER_CODE)} more [${code}] (--verbose lists all)`));
    }
    if (file.entity && file.entityReason.startsWith('the file name'))
      out.push(c.dim(`  (read as ${file.entity} because of ${file.entityReason}; pass --entity to be explicit)`));
    const counts = `${plural(file.rows, 'row')}, ${plural(file.errors, 'error')}, ${plural(file.warnings, 'warning')}`;
    out.push(`${p(file.file)}: ${file.entity ? `${file.entity}, ` : ''}${file.errors ? c.red(counts) : counts}`);
    if (issues.length) out.push('');
  }
  out.push(...byCode(report, c));
  if (report.truncated) out.push(c.yellow(`stopped after ${plural(report.summary.errors, 'error')} (--max-errors); the rest was not checked`));
  const { files, rows, errors, warnings } = report.summary;
  if (files > 1 || report.truncated) {
    const total = `${plural(files, 'file')}, ${plural(rows, 'row')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    out.push(errors ? c.red(`✖ ${total}`) : c.green(`✔ ${total}`));
  } else if (errors === 0) out.push(c.green(`✔ valid for ${p(report.checkedAgainst ?? report.target)}`));
  return out.join('\n') + '\n';
}

/** One issue code of a report: its severity, how many issues and lines, and the first three places (file:line, as read). */
export interface CodeSummary {
  severity: Issue['severity'];
  count: number;
  lines: number;
  first: string[];
}

/** The issues by code, errors first, then by count: the text's "Issues by code" and the HTML report's. */
export function issuesByCode(issues: readonly Issue[]): Array<[string, CodeSummary]> {
  const codes = new Map<string, { severity: Issue['severity']; count: number; rows: Set<string>; first: string[] }>();
  for (const issue of issues) {
    const entry = codes.get(issue.code) ?? { severity: issue.severity, count: 0, rows: new Set<string>(), first: [] };
    entry.count++;
    entry.rows.add(`${issue.file}\u0000${issue.line}`);
    if (entry.first.length < 3) entry.first.push(`${issue.file}:${issue.line}`);
    codes.set(issue.code, entry);
  }
  return [...codes]
    .map(([code, { severity, count, rows, first }]): [string, CodeSummary] => [code, { severity, count, lines: rows.size, first }])
    .sort(([, a], [, b]) => (a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1));
}

/** "Issues by code": one line per code (errors first, then by count), its count, rows and where it first occurs. */
function byCode(report: ValidationReport, c: ChalkInstance): string[] {
  if (report.issues.length === 0) return [];
  const sorted = issuesByCode(report.issues);
  const width = Math.max(...sorted.map(([code]) => code.length));
  const countWidth = Math.max(...sorted.map(([, e]) => formatCount(e.count).length));
  return [
    c.bold('Issues by code'),
    ...sorted.map(([code, e]) => {
      const sev = e.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      const where = `${e.first.map(p).join(', ')}${e.lines > e.first.length ? ', …' : ''}`;
      return `  ${sev}  ${code.padEnd(width)}  ${formatCount(e.count).padStart(countWidth)}  ${c.dim(`on ${plural(e.lines, 'line')}: ${where}`)}`;
    }),
    '',
  ];
}

/** JSON: the documented, stable shape (README "JSON output"). */
export function renderValidationJson(report: ValidationReport): string {
  const { ok, target, checkedAgainst, summary, files, truncated } = report;
  const issues = report.issues.map(({ file, line, entity, field, value, code, message, severity, hint }) => ({ file, line, entity, field, value, code, message, severity, hint }));
  return JSON.stringify({ ok, target, checkedAgainst, summary, files, issues, truncated }, null, 2) + '\n';
}

/** GitHub Actions workflow commands: escaping per the runner's rules for properties and messages. */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function githubAnnotation(issue: Issue): string {
  const title = issue.field ?? issue.code;
  const message = p(issue.hint ? `${issue.message} (${issue.hint})` : issue.message);
  return `::${issue.severity} file=${escapeProperty(p(issue.file))},line=${issue.line},title=${escapeProperty(title)}::${escapeData(message)}`;
}

export function renderValidationGithub(report: ValidationReport): string {
  const lines = report.issues.map(githubAnnotation);
  const { files, rows, errors, warnings } = report.summary;
  lines.push(`${plural(files, 'file')}, ${formatCount(rows)} rows, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return lines.join('\n') + '\n';
}
