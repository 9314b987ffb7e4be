import { createHash, createHmac } from 'node:crypto';
import type { CanonicalValues } from '../model/canonical.js';
import type { Plan } from './types.js';

/** The fingerprint of the whole record a projected one was made from (see projected in project.ts). */
const WHOLE = Symbol('fingerprint of the whole record');

/** A short stable digest of a record, to tell later whether it changed. */
export function fingerprint(values: CanonicalValues): string {
  const whole = (values as { [WHOLE]?: string })[WHOLE];
  if (whole !== undefined) return whole;
  const sorted = Object.keys(values).sort().map((k) => [k, values[k]]);
  // The first 8 bytes in hex, made as a string of their own: a slice of the whole digest's hex would keep all 64 characters alive (a plan keeps one per target record).
  return createHash('sha256').update(JSON.stringify(sorted)).digest().toString('hex', 0, 8);
}

/** `values`, which keeps only some fields of a record, carrying the fingerprint of the whole one (out of sight of its keys). */
export function keepFingerprint(values: CanonicalValues, whole: string): CanonicalValues {
  (values as { [WHOLE]?: string })[WHOLE] = whole;
  return values;
}

/** JSON with every object's keys in order, so that a file reformatted by an editor digests the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/**
 * The signature of what a plan would do, where and for when (its version, target, operations and the
 * moment its dates were read at, as JSON with every object's keys in order): an HMAC-SHA256 with `key`,
 * the state's plan key — which whoever edits a saved plan without reading the state does not have.
 */
export function planSignature(plan: Pick<Plan, 'version' | 'targetName' | 'targetIdentity' | 'operations' | 'asOf'>, key: Uint8Array): string {
  return createHmac('sha256', key).update(stableJson({ version: plan.version, targetName: plan.targetName, targetIdentity: plan.targetIdentity, operations: plan.operations, asOf: plan.asOf })).digest('hex');
}
