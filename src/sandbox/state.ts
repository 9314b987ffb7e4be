import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Row } from './odata.js';
import { Table } from './table.js';

/** Everything the sandbox holds, per platform. Persisted as JSON ({"version": 1, …}). */
export interface SandboxState {
  accessplanit: { User: Table; Company: Table; CompanyGroup: Table };
  appenate: { users: Table };
  /** Site name → its users (each site has its own API key and its own users). */
  springest: Map<string, Table>;
  /** Connection id → employees. */
  unified: Map<string, Table>;
}

interface StateFile {
  version: 1;
  accessplanit: Record<'User' | 'Company' | 'CompanyGroup', Array<[string, Row]>>;
  appenate: { users: Array<[string, Row]> };
  springest: Record<string, Array<[string, Row]>>;
  unified: Record<string, Array<[string, Row]>>;
}

export function emptyState(): SandboxState {
  return {
    accessplanit: { User: new Table(), Company: new Table(), CompanyGroup: new Table() },
    appenate: { users: new Table() },
    springest: new Map(),
    unified: new Map(),
  };
}

export function toFile(state: SandboxState): StateFile {
  const ap = state.accessplanit;
  return {
    version: 1,
    accessplanit: { User: ap.User.entries(), Company: ap.Company.entries(), CompanyGroup: ap.CompanyGroup.entries() },
    appenate: { users: state.appenate.users.entries() },
    springest: Object.fromEntries([...state.springest].map(([site, t]) => [site, t.entries()])),
    unified: Object.fromEntries([...state.unified].map(([id, t]) => [id, t.entries()])),
  };
}

export function fromFile(file: StateFile): SandboxState {
  return {
    accessplanit: { User: new Table(file.accessplanit.User), Company: new Table(file.accessplanit.Company), CompanyGroup: new Table(file.accessplanit.CompanyGroup) },
    appenate: { users: new Table(file.appenate.users) },
    springest: new Map(Object.entries(file.springest).map(([site, rows]) => [site, new Table(rows)])),
    unified: new Map(Object.entries(file.unified).map(([id, rows]) => [id, new Table(rows)])),
  };
}

export async function loadStateFile(path: string): Promise<SandboxState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const file = JSON.parse(text) as StateFile;
  if (file.version !== 1) throw new Error(`${path}: unknown sandbox state version ${String(file.version)}`);
  return fromFile(file);
}

/**
 * Writes the state after changes, atomically (a temporary file renamed over the old one), so a crash
 * never leaves half a file. Writes coalesce: a burst of changes costs one write after the burst, not
 * one per change; `flush()` waits for everything written so far.
 */
export class Persister {
  private dirty = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly state: () => SandboxState,
  ) {}

  changed(): void {
    this.dirty = true;
    this.running ??= this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await mkdir(dirname(this.path), { recursive: true });
        const temp = `${this.path}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(toFile(this.state())));
        await rename(temp, this.path);
      }
    } finally {
      this.running = undefined;
    }
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
  }
}
