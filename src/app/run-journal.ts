import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { JournalEntry, RunRecord, StateStore } from '../core/ports.js';
import { UsageError } from '../errors.js';
import type { RunFile } from './write-run.js';

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
