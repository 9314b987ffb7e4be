import { identityHeadline, reasonText } from './identity.js';
import type { FieldValue } from '../../core/model/canonical.js';
import { cellText } from '../../io/cells.js';
import type { Plan, PlannedOp, PlanSummary } from '../../core/plan/plan.js';
import { quote } from '../../core/model/issues.js';
import { printable } from '../printable.js';
import { DECISION_KINDS, policyCounts, policyText } from './decisions.js';
import { decisionText, lifecycleCounts, plannedAsOf } from './lifecycle.js';
import { noteText } from './notes.js';
import { formatCount, type Colours } from '../terminal.js';

const p = (text: string) => printable(text, true);

const SHOWN = 20;
const show = (v: FieldValue | null | undefined) => (v === null || v === undefined || v === '' ? '(blank)' : p(quote(cellText(v))));

function opLines(op: PlannedOp, c: Colours): string[] {
  const where = op.file ? c.dim(` (${p(op.file)}:${op.line})`) : '';
  const id = op.id ? c.dim(` id ${p(op.id)}`) : '';
  const key = p(op.key);
  // A value the mapping file translated is shown with the value the input wrote.
  const from = (field: string) => (op.mapped?.[field] !== undefined ? c.dim(` (from ${p(quote(op.mapped[field]))})`) : '');
  if (op.action === 'create') {
    const v = op.values ?? {};
    const name = [v.firstName, v.lastName].filter(Boolean).join(' ') || v.name || v.label || '';
    const mapped = Object.keys(op.mapped ?? {}).filter((f) => f in v).map((f) => `    ${f}: ${show(v[f])}${from(f)}`);
    return [`${c.green('+ create')} ${op.entity} ${key}${name ? ` ${p(quote(String(name)))}` : ''}${where}`, ...mapped];
  }
  if (op.action === 'update') {
    const who = identityHeadline(op);
    return [`${c.yellow('~ update')} ${op.entity} ${key}${op.key.includes(`(id ${op.id})`) || op.key === `id=${op.id}` ? '' : id}${where}${who ? ` ${c.cyan(who)}` : ''}`, ...(op.changes ?? []).map((ch) => `    ${ch.field}: ${show(ch.from)} → ${show(ch.to)}${from(ch.field)}${ch.reason ? c.dim(` (${p(reasonText(ch.reason))})`) : ''}`)];
  }
  return [`${c.red(`- ${op.action}`)} ${op.entity} ${key}${op.key.includes(`(id ${op.id})`) || op.key === `id=${op.id}` ? '' : id}`];
}

/** The summary line: "Plan: 12 to create, 3 to update, 1 to deactivate, 1,184 unchanged, 2 invalid rows skipped." */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const parts = [`${formatCount(s.create)} to create`, `${formatCount(s.update)} to update`];
  if (s.deactivate) parts.push(`${formatCount(s.deactivate)} to deactivate`);
  if (s.delete) parts.push(`${formatCount(s.delete)} to delete`);
  parts.push(`${formatCount(s.unchanged)} unchanged`);
  if (s.invalid) parts.push(`${formatCount(s.invalid)} invalid ${s.invalid === 1 ? 'row' : 'rows'} skipped`);
  if (s.conflicts) parts.push(`${formatCount(s.conflicts)} ${s.conflicts === 1 ? 'conflict' : 'conflicts'} skipped`);
  if (s.skipped) parts.push(`${formatCount(s.skipped)} left out by --only/--limit/--mode`);
  parts.push(...lifecycleCounts(plan), ...policyCounts(plan));
  return `Plan: ${parts.join(', ')}.`;
}

const COLUMNS = ['create', 'update', 'deactivate', 'delete', 'unchanged', 'invalid', 'conflicts'] as const;

/**
 * The numbers of the plan's table: its columns (skipped only when --only/--limit left rows out), a row
 * per entity in the input, and a total row when there are several. The text table and the HTML
 * report's table and chart are all drawn from these.
 */
export function planCounts(plan: Plan): { columns: Array<keyof PlanSummary>; rows: Array<[string, PlanSummary]>; total: PlanSummary | undefined } {
  const rows = Object.entries(plan.byEntity ?? {}) as Array<[string, PlanSummary]>;
  const columns: Array<keyof PlanSummary> = [...COLUMNS, ...(plan.summary.skipped ? ['skipped' as const] : [])];
  return { columns, rows, total: rows.length > 1 ? plan.summary : undefined };
}

/**
 * The plan per entity, as a small table (left-aligned names, right-aligned counts), a total row when
 * there are several entities; the skipped column only when --only/--limit left rows out.
 */
export function planTable(plan: Plan, c: Colours): string[] {
  const { columns, rows, total: sum } = planCounts(plan);
  if (rows.length === 0) return [];
  const body = [...rows, ...(sum ? [['total', sum] as [string, PlanSummary]] : [])];
  const cells = body.map(([entity, s]) => [entity, ...columns.map((k) => formatCount(s[k]))]);
  const header = ['', ...columns];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const colour = (k: keyof PlanSummary, text: string, n: number) =>
    n === 0 ? c.dim(text) : k === 'create' ? c.green(text) : k === 'update' ? c.yellow(text) : k === 'deactivate' || k === 'delete' || k === 'conflicts' || k === 'invalid' ? c.red(text) : text;
  const total = rows.length > 1 ? body.length - 1 : -1;
  return [
    c.dim(line(header)),
    // Each count coloured in place; the padding is computed on the plain text, so columns stay aligned.
    ...body.map(([entity, s], row) => {
      const name = entity.padEnd(widths[0]!);
      const counts = columns.map((k, i) => colour(k, cells[row]![i + 1]!.padStart(widths[i + 1]!), s[k]));
      return [row === total ? c.bold(name) : name, ...counts].join('  ');
    }),
  ];
}

/** Text, like a good plan: each change, the first few per action and entity unless --verbose. */
export function renderPlanText(plan: Plan, c: Colours, verbose: boolean): string {
  const out: string[] = [];
  // Grouped in one pass, each operation pushed once: linear in the plan (a copy per operation was quadratic).
  const groups = new Map<string, PlannedOp[]>();
  for (const op of plan.operations) {
    const key = `${op.action} ${op.entity}`;
    const group = groups.get(key);
    if (group) group.push(op);
    else groups.set(key, [op]);
  }
  for (const [, ops] of groups) {
    for (const op of verbose ? ops : ops.slice(0, SHOWN)) out.push(...opLines(op, c));
    if (!verbose && ops.length > SHOWN) out.push(c.dim(`  … and ${formatCount(ops.length - SHOWN)} more to ${ops[0]!.action} (--verbose shows all)`));
  }
  for (const conflict of plan.conflicts)
    out.push(
      conflict.duplicateOnTarget
        ? `${c.magenta('! duplicate on target:')} ${p(conflict.message)} ${c.dim(`(${p(conflict.file)}:${conflict.line}; nothing written for this row)`)}`
        : `${c.magenta('! conflict')} ${conflict.entity} ${c.dim(`${p(conflict.file)}:${conflict.line}`)}: ${p(conflict.message)}`,
    );
  out.push(...lifecycleLines(plan, c, verbose), ...policyLines(plan, c, verbose));
  for (const note of plan.notes) out.push(c.dim(`note: ${p(noteText(note))}`));
  if (out.length) out.push('');
  const table = planTable(plan, c);
  if (table.length) out.push(...table, '');
  out.push(c.bold(summaryLine(plan)));
  return out.join('\n') + '\n';
}

/** Each joiner waiting and each leaver, what was done and why: the first few of each kind unless --verbose. */
function lifecycleLines(plan: Plan, c: Colours, verbose: boolean): string[] {
  const out: string[] = [];
  const asOf = plannedAsOf(plan);
  if (asOf) out.push(c.cyan(`as of ${asOf} (--as-of): start and end dates are read at this moment`));
  for (const kind of ['joiner', 'leaver'] as const) {
    const decisions = (plan.lifecycle ?? []).filter((d) => d.kind === kind);
    for (const d of verbose ? decisions : decisions.slice(0, SHOWN))
      out.push(`${c.cyan(kind === 'joiner' ? '… joiner' : '⇣ leaver')} ${d.entity} ${p(d.key)} ${c.dim(`(${p(d.file)}:${d.line})`)}: ${p(decisionText(d, plan.target))}`);
    if (!verbose && decisions.length > SHOWN) out.push(c.dim(`  … and ${formatCount(decisions.length - SHOWN)} more ${kind}s (--verbose shows all)`));
  }
  return out;
}

/** Each write the target's policy left out (scope, protected, owned fields, mode), and why: the first few of each kind unless --verbose. */
function policyLines(plan: Plan, c: Colours, verbose: boolean): string[] {
  const out: string[] = [];
  for (const { kind, label } of DECISION_KINDS) {
    const decisions = (plan.decisions ?? []).filter((d) => d.kind === kind);
    for (const d of verbose ? decisions : decisions.slice(0, SHOWN))
      out.push(`${c.cyan(`⊘ ${label}`)} ${d.entity} ${p(d.key)}${d.file ? ` ${c.dim(`(${p(d.file)}:${d.line})`)}` : ''}: ${p(policyText(d, plan.target))}`);
    if (!verbose && decisions.length > SHOWN) out.push(c.dim(`  … and ${formatCount(decisions.length - SHOWN)} more (${label}; --verbose shows all)`));
  }
  return out;
}
