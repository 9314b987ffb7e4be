import type { ChalkInstance } from 'chalk';
import type { ValidationReport } from '../../core/validate/validate-files.js';
import type { Issue } from '../../core/model/issues.js';
import { printable } from '../printable.js';
import { formatCount, plural } from '../terminal.js';

const p = (text: string) => printable(text, true);

/** Text: issues grouped per file, one line each (file:line, severity, message), then counts. */
export function renderValidationText(report: ValidationReport, c: ChalkInstance): string {
  const out: string[] = [];
  for (const file of report.files) {
    const issues = report.issues.filter((i) => i.file === file.file);
    if (issues.length) {
      out.push(c.bold(p(file.file)));
      const hinted = new Set<string>();
      for (const issue of issues) {
        const sev = issue.severity === 'error' ? c.red('error  ') : c.yellow('warning');
        out.push(`  ${c.cyan(`${p(file.file)}:${issue.line}`)}  ${sev}  ${p(issue.message)}  ${c.dim(`[${issue.code}]`)}`);
        // A hint once per kind of issue per file: enough to act on, without repeating it a thousand times.
        if (issue.hint && !hinted.has(issue.code)) {
          hinted.add(issue.code);
          out.push(`      ${c.dim(`hint: ${p(issue.hint)}`)}`);
        }
      }
    }
    if (file.entity && file.entityReason.startsWith('the file name'))
      out.push(c.dim(`  (read as ${file.entity} because of ${file.entityReason}; pass --entity to be explicit)`));
    const counts = `${plural(file.rows, 'row')}, ${plural(file.errors, 'error')}, ${plural(file.warnings, 'warning')}`;
    out.push(`${p(file.file)}: ${file.entity ? `${file.entity}, ` : ''}${file.errors ? c.red(counts) : counts}`);
    if (issues.length) out.push('');
  }
  if (report.truncated) out.push(c.yellow(`stopped after ${plural(report.summary.errors, 'error')} (--max-errors); the rest was not checked`));
  const { files, rows, errors, warnings } = report.summary;
  if (files > 1 || report.truncated) {
    const total = `${plural(files, 'file')}, ${plural(rows, 'row')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    out.push(errors ? c.red(`✖ ${total}`) : c.green(`✔ ${total}`));
  } else if (errors === 0) out.push(c.green(`✔ valid for ${p(report.checkedAgainst ?? report.target)}`));
  return out.join('\n') + '\n';
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
