import { FilterError, keyOf, matches, parseFilter } from './filter.js';

/**
 * RFC 7644 §3.5.2 PATCH operations on a resource: add, replace and remove (op names ignoring case,
 * as Entra ID sends "Replace"), with a path ("active", "name.givenName", "urn:…:User:department",
 * "members", "members[value eq \"…\"]") or without one (the value is an object of attributes).
 */
export class PatchError extends Error {
  constructor(
    readonly scimType: 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidSyntax',
    message: string,
  ) {
    super(message);
  }
}

type Resource = Record<string, unknown>;

interface Path {
  /** The extension URN the attribute belongs to, if any. */
  urn?: string;
  attribute: string;
  sub?: string;
  /** A value filter on a multi-valued attribute: members[value eq "…"]. */
  filter?: string;
}

function parsePath(path: string): Path {
  const m = /^(?:(urn:[^[\]]+):)?([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/.exec(path.trim());
  if (!m) throw new PatchError('invalidPath', `"${path}" is not an attribute path`);
  return { ...(m[1] ? { urn: m[1] } : {}), attribute: m[2]!, ...(m[4] ? { sub: m[4] } : {}), ...(m[3] ? { filter: m[3] } : {}) };
}

/** The object an attribute lives in: the resource, or its extension object (made when asked to). */
function container(resource: Resource, path: Path, create: boolean): Resource | undefined {
  if (!path.urn) return resource;
  const key = keyOf(resource, path.urn) ?? (create ? path.urn : undefined);
  if (key === undefined) return undefined;
  if (!resource[key] || typeof resource[key] !== 'object') {
    if (!create) return undefined;
    resource[key] = {};
    const schemas = Array.isArray(resource.schemas) ? (resource.schemas as string[]) : [];
    if (!schemas.includes(path.urn)) resource.schemas = [...schemas, path.urn];
  }
  return resource[key] as Resource;
}

function setValue(resource: Resource, path: Path, value: unknown, op: 'add' | 'replace'): void {
  if (path.filter) throw new PatchError('invalidPath', `${op} with a value filter is not supported here`);
  const holder = container(resource, path, true)!;
  const key = keyOf(holder, path.attribute) ?? path.attribute;
  if (path.sub) {
    const inner = holder[key] && typeof holder[key] === 'object' && !Array.isArray(holder[key]) ? (holder[key] as Resource) : {};
    inner[keyOf(inner, path.sub) ?? path.sub] = value;
    holder[key] = inner;
    return;
  }
  if (op === 'add' && Array.isArray(holder[key]) && Array.isArray(value)) {
    const existing = holder[key] as unknown[];
    const seen = new Set(existing.map((v) => JSON.stringify(v)));
    holder[key] = [...existing, ...value.filter((v) => !seen.has(JSON.stringify(v)))];
    return;
  }
  if (op === 'add' && value && typeof value === 'object' && !Array.isArray(value) && holder[key] && typeof holder[key] === 'object' && !Array.isArray(holder[key])) {
    holder[key] = { ...(holder[key] as Resource), ...(value as Resource) };
    return;
  }
  holder[key] = value;
}

function removeValue(resource: Resource, path: Path): void {
  const holder = container(resource, path, false);
  if (!holder) return;
  const key = keyOf(holder, path.attribute);
  if (key === undefined) return;
  if (path.filter) {
    if (!Array.isArray(holder[key])) return;
    let filter;
    try {
      filter = parseFilter(path.filter);
    } catch (error) {
      throw new PatchError('invalidPath', `the value filter "${path.filter}" is not valid: ${(error as FilterError).message}`);
    }
    holder[key] = (holder[key] as unknown[]).filter((item) => !(item && typeof item === 'object' && matches(filter, item as Resource)));
    return;
  }
  if (path.sub) {
    const inner = holder[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const sub = keyOf(inner as Resource, path.sub);
      if (sub !== undefined) delete (inner as Resource)[sub];
    }
    return;
  }
  delete holder[key];
}

/**
 * Applies the operations of a PatchOp body to a copy of the resource, or throws a PatchError.
 * `extensions` are the schema URNs whose attributes a path-less value may hold as one object.
 */
export function applyPatch(resource: Resource, body: unknown, extensions: readonly string[]): Resource {
  const operations = (body as { Operations?: unknown } | undefined)?.Operations;
  if (!Array.isArray(operations) || operations.length === 0) throw new PatchError('invalidSyntax', 'a PatchOp needs a non-empty Operations array');
  const out = structuredClone(resource);
  for (const operation of operations as Array<Record<string, unknown>>) {
    const op = String(operation.op ?? '').toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw new PatchError('invalidSyntax', `"${String(operation.op)}" is not add, replace or remove`);
    const path = typeof operation.path === 'string' && operation.path ? operation.path : undefined;
    if (op === 'remove') {
      if (!path) throw new PatchError('noTarget', 'remove needs a path');
      removeValue(out, parsePath(path));
      continue;
    }
    if (path) {
      setValue(out, parsePath(path), operation.value, op);
      continue;
    }
    if (!operation.value || typeof operation.value !== 'object' || Array.isArray(operation.value)) throw new PatchError('invalidValue', `${op} without a path needs an object of attributes`);
    for (const [attribute, value] of Object.entries(operation.value as Resource)) {
      const extension = extensions.find((urn) => urn.toLowerCase() === attribute.toLowerCase());
      if (extension && value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [sub, v] of Object.entries(value as Resource)) setValue(out, { urn: extension, attribute: sub }, v, op);
        continue;
      }
      setValue(out, parsePath(attribute), value, op);
    }
  }
  return out;
}
