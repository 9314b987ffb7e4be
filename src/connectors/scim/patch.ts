import type { Resource } from './wire.js';

/** Attributes no PATCH of hrsync's touches: identity, what the provider computes, and membership (the groups'). */
const NEVER = new Set(['schemas', 'id', 'meta', 'groups', 'members']);
/** Single-valued complex attributes changed one sub-attribute at a time: a value read earlier is never sent back. */
const BY_PART = new Set(['name']);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const isObject = (v: unknown): v is Resource => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * RFC 7644 §3.5.2 operations that turn `current` into `next`: for each attribute that differs, a
 * replace (or a remove, when `next` leaves it out); an extension's attributes by their full path
 * ("urn:…:User:department"); `name` by sub-attribute ("name.familyName"), so that a part the provider
 * derived or another client set (name.formatted) is never replayed as it was read. Attributes the
 * provider computes (`readOnly`, from its schema) are never sent.
 */
export function patchOperations(current: Resource, next: Resource, readOnly: ReadonlySet<string> = new Set()): Array<Record<string, unknown>> {
  const operations: Array<Record<string, unknown>> = [];
  const diff = (before: Resource, after: Resource, prefix: string, top: boolean) => {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (top && (NEVER.has(key) || readOnly.has(key.toLowerCase()))) continue;
      if (top && key.startsWith('urn:')) {
        diff(isObject(before[key]) ? before[key] : {}, isObject(after[key]) ? after[key] : {}, `${key}:`, false);
        continue;
      }
      if (same(before[key], after[key])) continue;
      if (top && BY_PART.has(key) && (isObject(after[key]) || after[key] === undefined)) {
        diff(isObject(before[key]) ? before[key] : {}, isObject(after[key]) ? after[key] : {}, `${key}.`, false);
        continue;
      }
      if (after[key] === undefined) operations.push({ op: 'remove', path: `${prefix}${key}` });
      else operations.push({ op: 'replace', path: `${prefix}${key}`, value: after[key] });
    }
  };
  diff(current, next, '', true);
  return operations;
}
