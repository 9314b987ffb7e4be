import { RemoteError } from '../../errors.js';
import type { PlannedOp } from '../plan/plan.js';
import type { Connection } from '../ports.js';

/** A write whose answer never came (or did not say what happened) and whose record could not be found (yet): not sent again. */
export class OutcomeUnknown extends Error {}

/**
 * A create whose answer was lost may have happened — now, or later: a server may commit after the
 * client gave up. Its record is looked up by its keys again and again, with backoff, over the target's
 * settling window; found, it is done. Not found, it is NOT sent again on the strength of empty
 * lookups (that is how a late commit becomes a duplicate): its outcome is unknown, and the next run,
 * which lists the target first, settles it.
 */
export async function create(target: Connection, op: PlannedOp, clock: { sleep: (ms: number) => Promise<void>; now: () => number }): Promise<string> {
  const writer = target.writer!;
  const keys = writer.matchKeys(op.entity).filter((k) => typeof op.values?.[k] === 'string' && op.values[k]);
  try {
    const { id } = await writer.write(op);
    // A success that names no record (an HTML page, an empty body) says nothing about what happened.
    if (!id) throw new RemoteError('outcome_unknown', `${target.label}: the create was answered without the new record's id`, undefined);
    return id;
  } catch (error) {
    if (!(error instanceof RemoteError) || error.kind !== 'outcome_unknown') throw error;
    if (keys.length === 0) throw new OutcomeUnknown(`${error.message}; it has no key (${writer.matchKeys(op.entity).join(', ')}) to look it up by`);
    const window = writer.settleMs();
    const started = clock.now();
    for (let round = 0; ; round++) {
      for (const field of keys) {
        const found = await writer.lookup(op.entity, { field, value: String(op.values![field]) }).catch((e: unknown) => {
          if (e instanceof RemoteError) return undefined; // cannot look: still unknown
          throw e;
        });
        if (found) return String(found.id);
      }
      const elapsed = clock.now() - started;
      if (elapsed >= window)
        throw new OutcomeUnknown(`${error.message}, and no ${op.entity} with ${keys.map((k) => `${k}=${String(op.values![k])}`).join(' or ')} was found within ${Math.round(window / 1000)} s; not sent again (it may land late): run the import again to settle it`);
      await clock.sleep(Math.min(window - elapsed, 250 * 2 ** round));
    }
  }
}
