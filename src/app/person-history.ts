import type { JournalEntry, RunRecord, StateStore } from '../core/ports.js';
import { journalOf, keysOfEntry } from './run-journal.js';

/** One write to a person's record, in one run. */
export interface PersonEvent {
  /** When the write completed. */
  at: string;
  run: { id: string | null; at: string; command: RunRecord['command']; target: string; label: string; exitCode: number; undoes: string | null };
  entity: string;
  action: JournalEntry['action'];
  key: string;
  id: string | null;
  status: JournalEntry['status'];
  /** The input file and line the write came from (an undo: its journal and line). */
  file: string | null;
  line: number | null;
  changes: NonNullable<JournalEntry['changes']>;
  error: string | null;
}

const norm = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : '');

/** Whether an entry is about the record `key` names: "field=value" as runs write it, or a value alone (an external id, an email, a target id). */
function isAbout(entry: JournalEntry, key: string): boolean {
  const wanted = key.includes('=') ? keysOfEntry({ key }) : undefined;
  const set = Object.fromEntries((entry.changes ?? []).map((c) => [c.field, c.to])); // a key an update gave it (a new email)
  const own: Record<string, unknown> = { ...set, ...entry.before, ...entry.after, ...keysOfEntry(entry), ...(entry.id ? { id: entry.id } : {}) };
  if (wanted) return Object.entries(wanted).every(([field, value]) => norm(own[field]) === norm(value));
  return Object.values(own).some((value) => norm(value) === norm(key));
}

/**
 * One person's timeline across the runs the state history keeps (both backends): every journal
 * entry about the record `key` names, oldest first, each with its run (id, command, exit code). An
 * entry that names the record otherwise (by its external id where `key` is its email) is found by the
 * record's id on the same target.
 */
export async function personHistory(state: Pick<StateStore, 'history' | 'journal'>, key: string): Promise<PersonEvent[]> {
  const all: Array<{ run: RunRecord; entry: JournalEntry }> = [];
  for (const run of (await state.history()).reverse()) for (const entry of await journalOf(run, state)) all.push({ run, entry });
  const record = (run: RunRecord, entry: JournalEntry) => (entry.id ? `${run.target}\u0000${entry.entity}\u0000${entry.id}` : undefined);
  const ids = new Set(all.filter(({ entry }) => isAbout(entry, key)).map(({ run, entry }) => record(run, entry)).filter((id) => id !== undefined));
  return all
    .filter(({ run, entry }) => isAbout(entry, key) || ids.has(record(run, entry) ?? ''))
    .map(({ run, entry }) => ({
      at: entry.at,
      run: { id: run.id ?? null, at: run.at, command: run.command, target: run.target, label: run.label, exitCode: run.exitCode, undoes: run.undoes ?? null },
      entity: entry.entity, action: entry.action, key: entry.key, id: entry.id, status: entry.status, file: entry.file, line: entry.line,
      changes: entry.changes ?? [], error: entry.error,
    }));
}
