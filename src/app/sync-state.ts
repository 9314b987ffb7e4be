import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../shared/atomic-write.js';

/**
 * For a target that cannot be listed (Springest): what hrsync last sent successfully, per record key,
 * as a fingerprint only — no personal data kept at rest. A row whose payload has the same fingerprint
 * is unchanged and is not sent again.
 */
export class SyncState {
  constructor(readonly path: string) {}

  static for(targetName: string, entity: string, cwd: string): SyncState {
    return new SyncState(join(cwd, '.hrsync', 'state', targetName.replace(/[^\w-]/g, '_'), `${entity}.json`));
  }

  async load(): Promise<Map<string, string>> {
    try {
      return new Map(Object.entries(JSON.parse(await readFile(this.path, 'utf8')) as Record<string, string>));
    } catch {
      return new Map();
    }
  }

  /** Written atomically: a crash leaves the previous state, and the next run sends a little more. */
  async save(state: Map<string, string>): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(Object.fromEntries(state), null, 1)}\n`);
  }
}
