import { createHash } from 'node:crypto';
import type { FieldValue } from '../../core/model/canonical.js';
import type { FailedRows } from '../../app/failed-rows.js';
import { ISSUE_EXPLANATIONS, type Issue, type IssueCode } from '../../core/model/issues.js';
import { decisionText, plannedAsOf } from './lifecycle.js';
import { policyText } from './decisions.js';
import type { Plan, PlannedOp, PlanSummary } from '../../core/plan/plan.js';
import type { ValidationReport } from '../../core/validate/validate-files.js';
import { cellText } from '../../io/cells.js';
import { printable } from '../printable.js';
import { formatCount, plural } from '../terminal.js';
import { reasonText } from './identity.js';
import { noteText } from './notes.js';
import { planCounts, summaryLine } from './plan.js';
import { entityReasonText, hintText, issuesByCode, Places, type CodeSummary, type IssueDigest } from './validation.js';

/** One row of an apply's results: an operation, or a row of the input left out of the plan. */
export interface ResultRow {
  file: string | null;
  line: number | null;
  entity: string;
  action: string | null;
  key: string;
  status: string;
  id: string | null;
  error: string | null;
}

/** What an apply did (`import --format json`'s `apply`, and the report's results). */
export interface AppliedSummary {
  exitCode: number | undefined;
  applied: number;
  failed: number;
  unknown: number;
  skipped: number;
  leftOut: number;
  resultsDir: string | null;
  results: ResultRow[];
}

/**
 * Everything the report shows, and nothing else: no config, no environment, no target URL. The plan
 * and the results are what `--format json` prints (already free of credentials); of the plan, only
 * the counts, operations (action, entity, key, id, row, values and changes), conflicts and notes are
 * read — never the raw source rows.
 */
export interface ReportInput {
  command: 'validate' | 'import' | 'undo';
  /** What the run came to, in a line: "dry run: nothing was written". */
  outcome: string;
  exitCode: number;
  /** When the run ended (ISO 8601). */
  at: string;
  /** Lines a reader must not miss (the embedded sandbox: nothing real was changed). */
  notes?: readonly string[];
  /** Its issues: all of them, or what the page shows of them (digestIssues: a validation with many). */
  validation: Pick<ValidationReport, 'ok' | 'rules' | 'checkedAgainst' | 'summary' | 'files' | 'truncated'> & { issues: readonly Issue[] | IssueDigest };
  plan?: Plan | undefined;
  applied?: AppliedSummary | undefined;
  /** Rows listed per table at most, the rest counted (default 10,000; --verbose: all). */
  limit?: number;
  /** The input's rows with an error (to download) and who each row with an issue is, read again from the files. */
  failed?: FailedRows;
}

/** Markup that is already safe: the only thing `html` interpolates without escaping. */
class Html {
  constructor(readonly text: string) {}
}

type Part = Html | string | number | null | undefined | readonly Part[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text from outside hrsync as HTML text or a quoted attribute value: control characters and
 * bidirectional overrides shown as escapes (as on a terminal), the five markup characters as
 * entities, and the line and paragraph separators as references (never raw in the file).
 */
export function escapeHtml(text: string): string {
  return printable(text)
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch]!)
    .replace(/[\u2028\u2029]/g, (ch) => `&#x${ch.charCodeAt(0).toString(16)};`);
}

const part = (value: Part): string =>
  value instanceof Html ? value.text : Array.isArray(value) ? value.map(part).join('') : value === null || value === undefined ? '' : escapeHtml(String(value));

/** A template whose every interpolated value is escaped, unless it is `Html` built the same way. */
function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += part(value) + strings[i + 1]!));
  return new Html(out);
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--dim:#5b6570;--bg:#fff;--line:#d8dde3;--zebra:#f5f7f9;--create:#1f883d;--update:#b07800;--remove:#cf222e;--unchanged:#8c959f;--conflict:#8250df;--skipped:#6e7781}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--dim:#9aa4ae;--bg:#0d1117;--line:#30363d;--zebra:#161b22}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:1.5rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
.meta,.dim,caption{color:var(--dim)}.outcome{font-size:1.05rem;font-weight:600}.note{border-left:3px solid var(--update);padding:.25rem .75rem}
nav a{margin-right:1rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%}caption{text-align:left;padding:.25rem 0}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:var(--bg)}tbody tr:nth-child(even){background:var(--zebra)}
table.counts{width:auto}.n{text-align:right;font-variant-numeric:tabular-nums}.zero{color:var(--dim)}
.v{white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.nw{white-space:nowrap}.blank{color:var(--dim);font-style:italic}.hint{color:var(--dim)}
.k-create,.act-create,.st-ok{color:var(--create)}.k-update,.act-update,.sev-warning,.st-skipped,.st-unknown{color:var(--update)}
.k-deactivate,.k-delete,.k-invalid,.act-deactivate,.act-delete,.sev-error,.st-failed,.st-invalid{color:var(--remove)}
.k-conflicts,.st-conflict{color:var(--conflict)}.k-unchanged{color:var(--unchanged)}.k-skipped{color:var(--skipped)}
.zero.n{color:var(--dim)}
tbody.op{border-top:2px solid var(--line)}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}.kvs{line-height:1.8}.kv{display:inline-block;margin-right:1rem}.kv .f{color:var(--dim)}
svg{max-width:100%;height:auto}svg text{fill:var(--fg);font-size:12px}svg .entity{font-weight:600;font-size:13px}
.bar.k-create rect{fill:var(--create)}.bar.k-update rect{fill:var(--update)}.bar.k-deactivate rect,.bar.k-delete rect,.bar.k-invalid rect{fill:var(--remove)}
.bar.k-unchanged rect{fill:var(--unchanged)}.bar.k-conflicts rect{fill:var(--conflict)}.bar.k-skipped rect{fill:var(--skipped)}
.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:.5rem 0}.filters[hidden]{display:none}
.tally{list-style:none;padding:0;display:flex;gap:1.5rem}.tally b{font-size:1.2rem}
.bar.sev-error rect{fill:var(--remove)}.bar.sev-warning rect{fill:var(--update)}
button.sort{all:unset;cursor:pointer;display:block;width:100%}button.sort:focus-visible{outline:2px solid var(--conflict);outline-offset:2px}
th[aria-sort=ascending] button.sort::after{content:" ▲"}th[aria-sort=descending] button.sort::after{content:" ▼"}
.download[hidden]{display:none}.download{font-weight:600}ul.flat{margin:0;padding-left:1rem}.explain{max-width:40rem}
@media print{.filters,nav{display:none}thead th{position:static}}
`;

const SCRIPT = `
(() => {
  const bar = document.getElementById('issue-filters');
  const table = document.getElementById('issues-table');
  if (!bar || !table) return;
  const rows = Array.from(table.tBodies[0].rows);
  const selects = Array.from(bar.querySelectorAll('select'));
  const text = bar.querySelector('input');
  const count = document.getElementById('issue-count');
  const filter = () => {
    const q = text.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const keep = selects.every((s) => !s.value || row.getAttribute('data-' + s.name) === s.value) && (!q || row.textContent.toLowerCase().includes(q));
      row.hidden = !keep;
      if (keep) shown++;
    }
    const n = (x) => x.toLocaleString('en-US');
    count.textContent = shown === rows.length ? 'all ' + n(rows.length) + ' shown' : n(shown) + ' of ' + n(rows.length) + ' shown';
  };
  bar.addEventListener('input', filter);
  bar.addEventListener('change', filter);
  bar.hidden = false;
  filter();
})();
(() => {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const keyOf = (cell) => (cell ? cell.getAttribute('data-sort') ?? cell.textContent.trim() : '');
  const number = (k) => (/^-?[\\d,]*\\.?\\d+$/.test(k) ? Number(k.replace(/,/g, '')) : NaN);
  const instant = (k) => (/^\\d{4}-\\d\\d-\\d\\d/.test(k) ? Date.parse(k) : NaN);
  const compare = (keys) => {
    const given = keys.filter((k) => k !== '');
    if (given.length && given.every((k) => !Number.isNaN(number(k)))) return (a, b) => number(a) - number(b);
    if (given.length && given.every((k) => !Number.isNaN(instant(k)))) return (a, b) => instant(a) - instant(b);
    return (a, b) => collator.compare(a, b);
  };
  const sortBy = (table, heads, th, col) => {
    const body = table.tBodies[0];
    const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    for (const h of heads) h.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir);
    const rows = Array.from(body.rows, (row, i) => ({ row, i, k: keyOf(row.cells[col]) }));
    const by = compare(rows.map((r) => r.k));
    const sign = dir === 'ascending' ? 1 : -1;
    // Blank cells last either way; equal keys keep the page's order.
    rows.sort((a, b) => (a.k === '') - (b.k === '') || sign * by(a.k, b.k) || a.i - b.i);
    body.append(...rows.map((r) => r.row));
  };
  for (const table of document.querySelectorAll('table.sortable')) {
    if (!table.tHead || !table.tBodies[0]) continue;
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach((th, col) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      button.title = 'sort by ' + th.textContent.trim();
      button.append(...th.childNodes);
      th.append(button);
      // The whole header cell sorts (a click beside the words too); its button is what the keyboard reaches.
      th.addEventListener('click', () => sortBy(table, heads, th, col));
    });
  }
  const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
  for (const t of document.querySelectorAll('time[data-instant]')) {
    const at = new Date(t.getAttribute('datetime'));
    if (Number.isNaN(at.getTime())) continue;
    const offset = -at.getTimezoneOffset();
    const hhmm = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0') + ':' + String(Math.abs(offset) % 60).padStart(2, '0');
    t.title = t.textContent + ' (your time is UTC' + (offset < 0 ? '-' : '+') + hhmm + ')';
    t.textContent = when.format(at);
  }
  for (const a of document.querySelectorAll('a[data-rows]')) {
    const data = document.getElementById(a.getAttribute('data-rows'));
    if (!data) continue;
    const text = atob(JSON.parse(data.textContent));
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    a.href = URL.createObjectURL(new Blob([bytes], { type: 'text/csv;charset=' + a.getAttribute('data-encoding') }));
    a.hidden = false;
  }
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Nothing from anywhere else: no network, no fonts, no images, no frames, no forms; only this
 * stylesheet and this script run, by their hashes. Data is escaped HTML, never code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "font-src 'none'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Rows listed per table at most, unless --verbose. */
export const REPORT_LIMIT = 10_000;

const where = (file: string | null | undefined, line: number | null | undefined) => (file ? `${file}:${line ?? ''}` : '');

/** A value of a record: its text, or "(blank)". */
function value(v: FieldValue | null | undefined): Html {
  const text = cellText(v);
  return text === '' ? html`<span class="blank">(blank)</span>` : html`${text}`;
}

/** "the first 10,000 of 25,000 issues are listed here" when a table was cut. */
function cut(shown: number, total: number, what: string, whereElse: string): Html {
  return shown < total ? html`<p class="note">The first ${formatCount(shown)} of ${plural(total, what)} are listed here (--verbose lists all; ${whereElse}).</p>` : html``;
}

const SAID: Record<keyof PlanSummary, (n: number) => string> = {
  create: (n) => `${formatCount(n)} to create`,
  update: (n) => `${formatCount(n)} to update`,
  deactivate: (n) => `${formatCount(n)} to deactivate`,
  delete: (n) => `${formatCount(n)} to delete`,
  unchanged: (n) => `${formatCount(n)} unchanged`,
  invalid: (n) => `${plural(n, 'invalid row')} left out`,
  conflicts: (n) => plural(n, 'conflict'),
  skipped: (n) => `${formatCount(n)} left out by --only/--limit/--mode`,
};

/** The plan per entity, the same numbers as the text's table. */
function planTableHtml(plan: Plan): Html {
  const { columns, rows, total } = planCounts(plan);
  if (rows.length === 0) return html`<p class="dim">Nothing was planned for any entity.</p>`;
  const cells = (s: PlanSummary) => columns.map((k) => html`<td class="n ${s[k] ? `k-${k}` : 'zero'}">${formatCount(s[k])}</td>`);
  return html`<table class="counts sortable" id="plan-table">
<caption>The plan per entity</caption>
<thead><tr><th scope="col">entity</th>${columns.map((k) => html`<th scope="col" class="n">${k}</th>`)}</tr></thead>
<tbody>${rows.map(([entity, s]) => html`<tr><th scope="row">${entity}</th>${cells(s)}</tr>`)}</tbody>
${total ? html`<tfoot><tr><th scope="row">total</th>${cells(total)}</tr></tfoot>` : ''}
</table>
<p class="outcome">${summaryLine(plan)}</p>`;
}

const CHART = { width: 720, label: 120, bars: 520, row: 20, bar: 14, head: 26 };

/**
 * A bar per non-zero count of each entity, as long as its share of the largest count, with its name,
 * its number and a tooltip; the whole chart is one image to a screen reader, described in words.
 */
function chartHtml(plan: Plan): Html {
  const { columns, rows } = planCounts(plan);
  const max = Math.max(0, ...rows.flatMap(([, s]) => columns.map((k) => s[k])));
  if (max === 0) return html`<p class="dim">Nothing to draw: every count is 0.</p>`;
  const parts: Html[] = [];
  const words: string[] = [];
  let y = 0;
  for (const [entity, s] of rows) {
    const kinds = columns.filter((k) => s[k] > 0);
    y += CHART.head;
    parts.push(html`<text class="entity" x="0" y="${y - 8}">${entity}</text>`);
    words.push(`${entity}: ${kinds.length ? kinds.map((k) => SAID[k](s[k])).join(', ') : 'nothing'}.`);
    for (const k of kinds) {
      const width = Math.max(2, Math.round((s[k] / max) * CHART.bars * 10) / 10);
      parts.push(html`<g class="bar k-${k}" data-entity="${entity}" data-kind="${k}" data-count="${s[k]}"><title>${entity}: ${SAID[k](s[k])}</title><text x="${CHART.label - 8}" y="${y + 11}" text-anchor="end">${k}</text><rect x="${CHART.label}" y="${y}" width="${width}" height="${CHART.bar}" rx="2"></rect><text x="${CHART.label + width + 6}" y="${y + 11}">${formatCount(s[k])}</text></g>`);
      y += CHART.row;
    }
  }
  const height = y + 6;
  return html`<svg id="plan-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">The plan per entity, as bars</title>
<desc id="chart-desc">${words.join(' ')}</desc>
${parts}
</svg>`;
}

const KEY_HEAD = html`<th scope="col">key</th><th scope="col">row</th>`;
const keyCells = (op: PlannedOp, span = 1) =>
  html`<td rowspan="${span}" class="v nw">${op.key}${op.id && !op.key.includes(op.id) ? html`<div class="dim">id ${op.id}</div>` : ''}</td><td rowspan="${span}" class="v nw">${where(op.file, op.line)}</td>`;

/** An update: a row per field that changes, from → to. */
function updateRows(op: PlannedOp): Html {
  const changes = op.changes ?? [];
  if (changes.length === 0) return html`<tbody class="op"><tr>${keyCells(op)}<td></td><td></td><td></td></tr></tbody>`;
  return html`<tbody class="op">${changes.map((ch, i) => html`<tr${ch.reason ? html` data-reason="${ch.reason.code}"` : ''}>${i === 0 ? keyCells(op, changes.length) : ''}<td>${ch.field}</td><td class="v">${value(ch.from)}</td><td class="v">${value(ch.to)}${ch.reason ? html`<div class="dim">${reasonText(ch.reason)}</div>` : ''}</td></tr>`)}</tbody>`;
}

/** A create: the values it sends, side by side. */
const createRow = (op: PlannedOp) =>
  html`<tr>${keyCells(op)}<td class="kvs">${Object.entries(op.values ?? {})
    .filter(([, v]) => cellText(v) !== '')
    .map(([field, v]) => html`<span class="kv"><span class="f">${field}</span> <span class="v">${value(v)}</span></span> `)}</td></tr>`;

/** One table per action and entity, in the order they run; a long one starts folded. */
function changeGroup(action: PlannedOp['action'], entity: string, ops: readonly PlannedOp[]): Html {
  const table =
    action === 'update'
      ? html`<table class="changes" data-action="update" data-entity="${entity}"><thead><tr>${KEY_HEAD}<th scope="col">field</th><th scope="col">from</th><th scope="col">to</th></tr></thead>${ops.map(updateRows)}</table>`
      : action === 'create'
        ? html`<table class="changes" data-action="create" data-entity="${entity}"><thead><tr>${KEY_HEAD}<th scope="col">values</th></tr></thead><tbody>${ops.map(createRow)}</tbody></table>`
        : html`<table class="changes" data-action="${action}" data-entity="${entity}"><thead><tr>${KEY_HEAD}</tr></thead><tbody>${ops.map((op) => html`<tr>${keyCells(op)}</tr>`)}</tbody></table>`;
  return html`<details${ops.length <= 50 ? html` open` : ''}><summary><span class="act-${action}">${action}</span> ${entity}: ${formatCount(ops.length)}</summary>${table}</details>`;
}

function changesHtml(plan: Plan, limit: number): Html {
  const ops = plan.operations;
  const shown = ops.slice(0, limit);
  const groups = new Map<string, PlannedOp[]>();
  for (const op of shown) groups.set(`${op.action} ${op.entity}`, [...(groups.get(`${op.action} ${op.entity}`) ?? []), op]);
  return html`<section id="changes"><h2>Changes</h2>
${ops.length ? html`<p>${plural(ops.length, 'operation')}, in the order they run: an update with each field that changes (from → to), a create with the values it sends.</p>
${cut(shown.length, ops.length, 'operation', '--out plan.json keeps them all')}
${[...groups.values()].map((group) => changeGroup(group[0]!.action, group[0]!.entity, group))}` : html`<p class="dim">No writes: nothing differs.</p>`}
${plan.conflicts.length ? html`<h3>Conflicts (nothing written for these rows)</h3>
<table class="sortable" id="conflicts-table"><thead><tr><th scope="col">entity</th><th scope="col">row</th><th scope="col">key</th><th scope="col">why</th></tr></thead>
<tbody>${plan.conflicts.slice(0, limit).map((c) => html`<tr><td>${c.entity}</td><td class="v nw">${where(c.file, c.line)}</td><td class="v nw">${c.key}</td><td class="v">${c.duplicateOnTarget ? 'duplicate on target: ' : ''}${c.message}</td></tr>`)}</tbody></table>` : ''}
${lifecycleHtml(plan, limit)}
${policyHtml(plan, limit)}
${plan.notes.length ? html`<h3>Notes</h3><ul>${plan.notes.map((n) => html`<li>${noteText(n)}</li>`)}</ul>` : ''}
</section>`;
}

/** Joiners waiting and leavers: each decision, why, and the moment it was made at. */
function lifecycleHtml(plan: Plan, limit: number): Html {
  const decisions = plan.lifecycle ?? [];
  const asOf = plannedAsOf(plan);
  if (!decisions.length && !asOf) return html``;
  return html`<h3 id="lifecycle">Joiners and leavers</h3>
<p>${asOf ? html`As of <b>${instantHtml(asOf)}</b> (--as-of): start` : 'Start'} and end dates are days in each person’s own time zone.</p>
${cut(Math.min(limit, decisions.length), decisions.length, 'decision', '--format json has them all')}
${decisions.length ? html`<table class="sortable" id="lifecycle-table"><thead><tr><th scope="col">row</th><th scope="col">entity</th><th scope="col">key</th><th scope="col">kind</th><th scope="col">outcome</th><th scope="col">why</th></tr></thead>
<tbody>${decisions.slice(0, limit).map((d) => html`<tr data-outcome="${d.outcome}"><td class="v nw">${where(d.file, d.line)}</td><td>${d.entity}</td><td class="v nw">${d.key}</td><td>${d.kind}</td><td>${d.outcome}</td><td class="v">${decisionText(d, plan.target)}</td></tr>`)}</tbody></table>` : ''}`;
}

/** Writes the target's policy left out: rows out of scope, protected accounts, fields it owns, the run's mode. */
function policyHtml(plan: Plan, limit: number): Html {
  const decisions = plan.decisions ?? [];
  if (!decisions.length) return html``;
  return html`<h3 id="policy">Scope, protected accounts, owned fields</h3>
${cut(Math.min(limit, decisions.length), decisions.length, 'decision', '--format json has them all')}
<table class="sortable" id="policy-table"><thead><tr><th scope="col">row</th><th scope="col">entity</th><th scope="col">key</th><th scope="col">kind</th><th scope="col">why</th></tr></thead>
<tbody>${decisions.slice(0, limit).map((d) => html`<tr data-kind="${d.kind}"><td class="v nw">${d.file ? where(d.file, d.line!) : ''}</td><td>${d.entity}</td><td class="v nw">${d.key}</td><td>${d.kind}</td><td class="v">${policyText(d, plan.target)}</td></tr>`)}</tbody></table>`;
}

function resultsHtml(applied: AppliedSummary, limit: number): Html {
  const shown = applied.results.slice(0, limit);
  const tally: Array<[string, number]> = [['applied', applied.applied], ['failed', applied.failed], ['unknown', applied.unknown], ['skipped', applied.skipped], ['left out', applied.leftOut]];
  return html`<section id="results"><h2>Results</h2>
<ul class="tally" id="results-tally">${tally.map(([label, n]) => html`<li data-tally="${label}"><b>${formatCount(n)}</b> ${label}</li>`)}</ul>
<p class="dim">${applied.resultsDir ? html`results.csv and failed.csv in ${applied.resultsDir}` : 'the results files could not be written'}</p>
${cut(shown.length, applied.results.length, 'result', 'results.csv has them all')}
<table class="sortable" id="results-table"><thead><tr><th scope="col">row</th><th scope="col">entity</th><th scope="col">action</th><th scope="col">key</th><th scope="col">status</th><th scope="col">target id</th><th scope="col">error</th></tr></thead>
<tbody>${shown.map((r) => html`<tr data-status="${r.status}"><td class="v nw">${where(r.file, r.line)}</td><td>${r.entity}</td><td>${r.action ?? ''}</td><td class="v nw">${r.key}</td><td class="st-${r.status}">${r.status}</td><td class="v">${r.id ?? ''}</td><td class="v">${r.error ?? ''}</td></tr>`)}</tbody>
</table>
</section>`;
}

function filesHtml(validation: ReportInput['validation']): Html {
  const { summary } = validation;
  return html`<section id="validation"><h2>Validation</h2>
<p>Rules: ${validation.rules}${validation.checkedAgainst ? html`; references also checked against ${validation.checkedAgainst}` : ''}.</p>
${validation.truncated ? html`<p class="note">Stopped after ${plural(summary.errors, 'error')} (--max-errors): the rest was not checked.</p>` : ''}
<table class="counts sortable" id="files-table"><caption>${plural(summary.files, 'file')}, ${plural(summary.rows, 'row')}, ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}</caption>
<thead><tr><th scope="col">file</th><th scope="col">entity</th><th scope="col" class="n">rows</th><th scope="col" class="n">errors</th><th scope="col" class="n">warnings</th></tr></thead>
<tbody>${validation.files.map((f) => html`<tr><th scope="row" class="v">${f.file}</th><td>${f.entity ?? '?'} <span class="dim">(${entityReasonText(f.entityReason)})</span></td><td class="n">${formatCount(f.rows)}</td><td class="n ${f.errors ? 'sev-error' : 'zero'}">${formatCount(f.errors)}</td><td class="n ${f.warnings ? 'sev-warning' : 'zero'}">${formatCount(f.warnings)}</td></tr>`)}</tbody>
${validation.files.length > 1 ? html`<tfoot><tr><th scope="row">total</th><td></td><td class="n">${formatCount(summary.rows)}</td><td class="n">${formatCount(summary.errors)}</td><td class="n">${formatCount(summary.warnings)}</td></tr></tfoot>` : ''}
</table>
</section>`;
}

/** A filter's options: every distinct value, sorted, with "all" first. */
function select(name: string, label: string, values: Iterable<[string, string]>): Html {
  const sorted = [...new Map(values)].sort(([a], [b]) => a.localeCompare(b));
  return html`<label>${label} <select name="${name}"><option value="">all</option>${sorted.map(([v, text]) => html`<option value="${v}">${text}</option>`)}</select></label>`;
}

const NO_FIELD = '-';

/** The issues by code as bars, errors red and warnings amber, each as long as its share of the largest count. */
function codeChartHtml(byCode: ReadonlyArray<[string, CodeSummary]>): Html {
  const max = Math.max(1, ...byCode.map(([, e]) => e.count));
  const label = Math.max(CHART.label, 8 * Math.max(...byCode.map(([code]) => code.length)) + 16);
  const bars = CHART.width - label - 80;
  const words = byCode.map(([code, e]) => `${code}: ${plural(e.count, e.severity)} on ${plural(e.lines, 'row')}.`);
  const parts = byCode.map(([code, e], i) => {
    const y = i * CHART.row + 4;
    const width = Math.max(2, Math.round((e.count / max) * bars * 10) / 10);
    return html`<g class="bar sev-${e.severity}" data-code="${code}" data-count="${e.count}"><title>${code}: ${plural(e.count, e.severity)} on ${plural(e.lines, 'row')}</title><text x="${label - 8}" y="${y + 11}" text-anchor="end">${code}</text><rect x="${label}" y="${y}" width="${width}" height="${CHART.bar}" rx="2"></rect><text x="${label + width + 6}" y="${y + 11}">${formatCount(e.count)}</text></g>`;
  });
  const height = byCode.length * CHART.row + 8;
  return html`<svg id="issues-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" role="img" aria-labelledby="issues-chart-title issues-chart-desc">
<title id="issues-chart-title">The issues by code, as bars</title>
<desc id="issues-chart-desc">${words.join(' ')}</desc>
${parts}
</svg>`;
}

/** "users.csv" → "users-failed.csv": the download's name. */
const failedName = (file: string) => `${file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'input'}-failed.csv`;

/** JSON as the text of a data block: nothing in it can end the element or start markup, and no control character or line separator is raw. */
const dataBlock = (value: unknown) => JSON.stringify(value).replace(/[<>&\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A link per input file to download its rows with an error as CSV, made from a data block by the page's script. */
function downloadsHtml(failed: FailedRows | undefined): Html {
  const files = (failed?.files ?? []).filter((f) => f.total > 0);
  if (!files.length) return html``;
  return html`<h3 id="failed-rows">Rows with errors, to fix and send again</h3>
<p>Each file’s rows with an error, as CSV in the file’s own columns and separator, with an <code>hrsync errors</code> column saying what is wrong (hrsync ignores that column when the file is read again). A cell a spreadsheet would run as a formula starts with <code>'</code>.</p>
<ul id="downloads">${files.map((f, i) =>
    f.unread
      ? html`<li>${f.file}: ${plural(f.total, 'row')}, not offered: ${f.unread}.</li>`
      : html`<li><a class="download" id="download-${i}" data-rows="failed-${i}" data-encoding="${f.encoding}" download="${failedName(f.file)}" hidden>${failedName(f.file)}</a><noscript>${failedName(f.file)} (the download needs JavaScript; <code>hrsync validate --annotate</code> writes the same rows)</noscript> — ${f.rows < f.total ? `the first ${formatCount(f.rows)} of ${plural(f.total, 'row')} with errors (--verbose: all)` : plural(f.total, 'row')} from ${f.file}<script type="application/json" id="failed-${i}">${new Html(dataBlock(f.csv))}</script></li>`,
  )}</ul>`;
}

/** Rows listed in "By row" at most, unless --verbose: every issue is in "Every issue" below, every failed row in the download. */
export const BY_ROW_LIMIT = 1_000;

/** The issues of each row, in the order their rows come, for the first `cap` rows; and how many rows more. */
function rowsOf(shown: readonly Issue[], cap: number): { rows: Map<string, Issue[]>; more: number } {
  const rows = new Map<string, Issue[]>();
  const more = new Set<string>();
  for (const issue of shown) {
    const at = `${issue.file}:${issue.line}`;
    const group = rows.get(at);
    if (group) group.push(issue);
    else if (rows.size < cap) rows.set(at, [issue]);
    else more.add(at);
  }
  return { rows, more: more.size };
}

/** One row per input row with issues: where (in a workbook its sheet and row), who, and everything wrong with it together. */
function byRowHtml(shown: readonly Issue[], total: number, failed: FailedRows | undefined, cap: number, places: Places): Html {
  const { rows, more } = rowsOf(shown, cap);
  const who = (at: string, [first]: Issue[]) => failed?.who.get(at) ?? (first!.line <= places.headerRow(first!.file) ? html`<span class="dim">the whole file</span>` : '');
  const cut = more || shown.length < total;
  return html`<h3 id="by-row">By row</h3>
<p>Each row of the input with an issue, who it is (name, email and ID as the row has them), and all that is wrong with it.</p>
${cut ? html`<p class="note" id="rows-more">${more ? `The first ${plural(rows.size, 'row')} with issues are listed here, and ${shown.length < total ? 'at least ' : ''}${formatCount(more)} more` : `The rows of the first ${formatCount(shown.length)} of ${plural(total, 'issue')} are listed here`} (--verbose lists all; the download above has every row with an error).</p>` : ''}
<table class="sortable" id="rows-table"><thead><tr><th scope="col">row</th><th scope="col">who</th><th scope="col" class="n">issues</th><th scope="col">what is wrong</th></tr></thead>
<tbody>${[...rows].map(([at, issues]) => html`<tr data-row="${at}"><td class="v nw">${places.text(issues[0]!.file, issues[0]!.line, null)}</td><td class="v">${who(at, issues)}</td><td class="n">${issues.length}</td><td><ul class="flat">${issues.map((i) => html`<li><span class="sev-${i.severity}">${i.field ?? i.severity}</span>: ${i.message} <span class="dim">(${i.code})</span></li>`)}</ul></td></tr>`)}</tbody>
</table>`;
}

/** The counts by code, each code explained in plain words. */
function codesHtml(byCode: ReadonlyArray<[string, CodeSummary]>): Html {
  return html`<table class="counts sortable" id="codes-table"><caption>By code</caption>
<thead><tr><th scope="col">severity</th><th scope="col">code</th><th scope="col" class="n">issues</th><th scope="col" class="n">lines</th><th scope="col">first at</th><th scope="col">what it means</th></tr></thead>
<tbody>${byCode.map(([code, e]) => html`<tr data-code="${code}"><td class="sev-${e.severity}">${e.severity}</td><td>${code}</td><td class="n">${formatCount(e.count)}</td><td class="n">${formatCount(e.lines)}</td><td class="v">${e.first.join(', ')}${e.lines > e.first.length ? ', …' : ''}</td><td class="explain">${ISSUE_EXPLANATIONS[code as IssueCode] ?? ''}</td></tr>`)}</tbody>
</table>`;
}

function issuesHtml(issues: readonly Issue[] | IssueDigest, limit: number, failed: FailedRows | undefined, places: Places): Html {
  const total = 'total' in issues ? issues.total : issues.length;
  if (total === 0) return html`<section id="issues"><h2>Issues</h2><p class="dim">None: every row passed.</p></section>`;
  const shown = 'total' in issues ? issues.shown.slice(0, limit) : issues.slice(0, limit);
  const byCode = 'total' in issues ? issues.byCode : issuesByCode(issues);
  return html`<section id="issues"><h2>Issues</h2>
${codeChartHtml(byCode)}
${codesHtml(byCode)}
${downloadsHtml(failed)}
${byRowHtml(shown, total, failed, limit === Infinity ? Infinity : Math.min(limit, BY_ROW_LIMIT), places)}
<h3 id="every-issue">Every issue</h3>
${cut(shown.length, total, 'issue', '--format json has them all')}
<div id="issue-filters" class="filters" role="search" aria-label="Filter the issues" hidden>
${select('code', 'code', shown.map((i) => [i.code, i.code]))}
${select('file', 'file', shown.map((i) => [i.file, i.file]))}
${select('field', 'field', shown.map((i) => [i.field ?? NO_FIELD, i.field ?? '(no field)']))}
<label>contains <input type="search" name="text" autocomplete="off"></label>
<output id="issue-count" aria-live="polite"></output>
</div>
<table class="sortable" id="issues-table"><thead><tr><th scope="col">file</th><th scope="col" class="n">line</th><th scope="col">field</th><th scope="col">value</th><th scope="col">code</th><th scope="col">severity</th><th scope="col">message</th></tr></thead>
<tbody>${shown.map((i) => html`<tr data-code="${i.code}" data-file="${i.file}" data-field="${i.field ?? NO_FIELD}"><td class="v nw">${i.file}</td><td class="n">${i.line}</td><td>${i.field ?? '—'}</td><td class="v">${i.value ?? ''}</td><td>${i.code}</td><td class="sev-${i.severity}">${i.severity}</td><td class="v">${i.message}${i.hint ? html`<div class="hint">hint: ${hintText(i.hint)}</div>` : ''}</td></tr>`)}</tbody>
</table>
</section>`;
}

/** "2026-12-05 14:55:35 UTC": an instant as read without the page's script, which shows it in the reader's own time. */
function instantHtml(at: string): Html {
  const utc = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/.exec(at);
  return html`<time datetime="${at}" data-instant>${utc ? `${utc[1]} ${utc[2]} UTC` : at}</time>`;
}

/**
 * The report of a validate or import run as one self-contained HTML page: inline style and script
 * allowed by their hashes (Content-Security-Policy), no request of any kind, every value from the
 * input escaped. Pure: the same input gives the same page.
 */
export function renderReportHtml(input: ReportInput): string {
  const limit = input.limit ?? REPORT_LIMIT;
  const { plan, applied, validation } = input;
  const title = `hrsync ${input.command}: ${plan?.target ?? validation.checkedAgainst ?? validation.rules}`;
  const sections: Array<[string, string]> = [
    ...(plan ? [['summary', 'Summary']] as Array<[string, string]> : []),
    ...(applied ? [['results', 'Results']] as Array<[string, string]> : []),
    ...(plan ? [['changes', 'Changes']] as Array<[string, string]> : []),
    ['validation', 'Validation'],
    ['issues', 'Issues'],
  ];
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="meta">${instantHtml(input.at)} · exit code ${input.exitCode}</p>
<p class="outcome" id="outcome">${input.outcome}</p>
${(input.notes ?? []).map((n) => html`<p class="note">${n}</p>`)}
<p class="dim">This page holds personal data from the HR files: keep it as safe as they are kept. It holds no credential, and loads nothing from anywhere.</p>
<nav>${sections.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav>
</header>
<main>
${plan ? html`<section id="summary"><h2>Summary</h2>
${planTableHtml(plan)}
${chartHtml(plan)}
</section>` : ''}
${applied ? resultsHtml(applied, limit) : ''}
${plan ? changesHtml(plan, limit) : ''}
${filesHtml(validation)}
${issuesHtml(validation.issues, limit, input.failed, new Places(validation.files))}
</main>
<script>${new Html(SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}
