import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CanonicalValues } from '../core/model/canonical.js';
import type { JournalEntry, RunRecord, StateStore } from '../core/ports.js';
import { UsageError } from '../errors.js';

/** What an apply writes beside its journal (run.json): which run, of what, against which account. */
export interface RunFile {
  id: string;
  command: RunRecord['command'];
  /** The target's configured name, its label and identity: an undo opens it by name and checks it is the same account. */
  target: string;
  label: string;
  identity: string;
  at: string;
  undoes?: string;
}

/**
 * A run's journal as its folder holds it (journal.ndjson): one entry per write, in the order they
 * completed. A line that is not a journal entry (cut by a kill mid-write) is passed over.
 */
export async function readJournal(folder: string): Promise<JournalEntry[]> {
  const text = await readFile(join(folder, 'journal.ndjson'), 'utf8');
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (entry && typeof entry.action === 'string' && typeof entry.key === 'string') entries.push(entry);
    } catch {
      // a line cut short: the write it describes is unknown
    }
  }
  return entries;
}

/** The keys a journal entry names its record by ("externalId=E1001 (id 7)" → externalId: E1001). */
export function keysOfEntry(entry: Pick<JournalEntry, 'key'>): CanonicalValues {
  const keys: CanonicalValues = {};
  for (const m of entry.key.matchAll(/(?:^|\s)([A-Za-z]\w*)=(\S+)/g)) keys[m[1]!] = m[2]!;
  return keys;
}

/** A run found: what it was (run.json, else its history record), and its journal. */
export interface FoundRun {
  id: string | undefined;
  /** The target's configured name, and the identity of the account it wrote to (when known). */
  target: string;
  identity: string | undefined;
  command: RunRecord['command'] | undefined;
  at: string | undefined;
  /** Where its folder is, when it has one here. */
  folder: string | undefined;
  /** Where the journal was read from, for messages: a file, or the state database. */
  source: string;
  journal: JournalEntry[];
}

async function runFileIn(folder: string): Promise<RunFile | undefined> {
  try {
    return JSON.parse(await readFile(join(folder, 'run.json'), 'utf8')) as RunFile;
  } catch {
    return undefined;
  }
}

/**
 * The run `given` names: its folder (as a run prints it), or its id (`hrsync state history`). By id,
 * the state's own copy of its journal is read first (PostgreSQL: any runner can undo it), else its
 * folder. A usage error says what was looked for where.
 */
export async function findRun(given: string, state: StateStore, cwd: string): Promise<FoundRun> {
  const path = resolve(cwd, given);
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'journal.ndjson'))) throw new UsageError(`${given} holds no journal.ndjson: it is not the folder of a run that wrote`);
    const file = await runFileIn(path);
    const record = file ? undefined : (await state.history()).find((r) => r.results === path);
    const target = file?.target ?? record?.target;
    if (!target) throw new UsageError(`${given} does not say which target its run wrote to (no run.json, and no run in the state history has this folder)`, 'undo runs made by this version of hrsync, or later');
    return { id: file?.id ?? record?.id, target, identity: file?.identity, command: file?.command ?? record?.command, at: file?.at ?? record?.at, folder: path, source: join(given, 'journal.ndjson'), journal: await readJournal(path) };
  }
  const record = (await state.history()).find((r) => r.id === given);
  if (!record) throw new UsageError(`no run ${given}: neither a folder here nor a run id in the state history (${state.backend} ${state.where})`, 'hrsync state history lists the runs and their ids');
  const kept = await state.journal(given);
  const folder = record.results && existsSync(join(record.results, 'journal.ndjson')) ? record.results : undefined;
  if (!kept && !folder) throw new UsageError(`run ${given} wrote no journal that can be read here${record.results ? ` (its folder was ${record.results})` : ''}`);
  const file = folder ? await runFileIn(folder) : undefined;
  return {
    id: given, target: record.target, identity: file?.identity, command: record.command, at: record.at, folder,
    source: kept ? `the state database (${state.where})` : join(folder!, 'journal.ndjson'),
    journal: kept ?? (await readJournal(folder!)),
  };
}

/** A run's journal wherever it is kept: the state's own copy (PostgreSQL), else its folder; none when neither can be read. */
export async function journalOf(run: RunRecord, state: Pick<StateStore, 'journal'>): Promise<JournalEntry[]> {
  const kept = run.id ? await state.journal(run.id) : undefined;
  if (kept) return kept;
  if (!run.results || !existsSync(join(run.results, 'journal.ndjson'))) return [];
  return readJournal(run.results).catch(() => []);
}
