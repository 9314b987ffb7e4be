import type { CanonicalRecord, CanonicalValues } from '../../src/core/model/canonical.js';
import type { Entity } from '../../src/core/model/entities.js';
import type { Connection, TargetWriter } from '../../src/core/ports.js';
import type { PlanOptions } from '../../src/core/plan/plan.js';

/** Helpers for the plan parts' unit tests: rows, options and a target that only answers what a part asks. */
let line = 1;
export const row = (entity: Entity, values: CanonicalValues, file = 'in.csv'): CanonicalRecord => ({ entity, file, line: ++line, values, source: {} });
export const user = (values: CanonicalValues) => row('users', values);
export const OPTIONS: PlanOptions = { missing: 'ignore', maxMissing: { fraction: 0.1 }, blank: 'ignore', invalid: 0 };

/** A target with the writer given (and every field of `wire` writable). */
export function fakeTarget(writer: Partial<TargetWriter>, wire: Record<string, string> = {}): Connection {
  return {
    name: 't', type: 'fake', label: 'fake "t"', identity: 'fake', entities: ['users', 'companies', 'groups'], can: { list: true },
    wire: { users: wire, companies: wire, groups: wire },
    list: () => (async function* () {})(), close: async () => {},
    writer: { matchKeys: () => ['externalId', 'email'], readOnly: () => [], deactivation: () => undefined, canDelete: () => true, lookup: async () => undefined, ...writer } as TargetWriter,
  } as Connection;
}
