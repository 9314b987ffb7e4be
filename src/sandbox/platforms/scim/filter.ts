/**
 * SCIM filters (RFC 7644 §3.4.2.2): attribute expressions with eq ne co sw ew gt ge lt le pr, joined
 * by and / or (and binds tighter), not (…), parentheses, and value paths `emails[type eq "work"]`.
 * Attribute names compare ignoring case; string values too, except for case-exact attributes (id,
 * externalId, meta). Anything else is an invalidFilter error, never a guess.
 */
export class FilterError extends Error {}

type Value = string | number | boolean | null;
export type Filter =
  | { kind: 'compare'; path: string; op: string; value?: Value }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; inner: Filter }
  | { kind: 'valuePath'; path: string; inner: Filter };

type Token = { t: 'word'; v: string } | { t: 'string'; v: string } | { t: 'punct'; v: '(' | ')' | '[' | ']' };

const OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);
const CASE_EXACT = new Set(['id', 'externalid']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') i++;
    else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new FilterError('an unterminated string');
      try {
        tokens.push({ t: 'string', v: JSON.parse(text.slice(i, j + 1)) as string });
      } catch {
        throw new FilterError(`a string that is not valid JSON: ${text.slice(i, j + 1)}`);
      }
      i = j + 1;
    } else {
      const m = /^[^\s()[\]"]+/.exec(text.slice(i));
      if (!m) throw new FilterError(`an unexpected "${c}"`);
      tokens.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

export function parseFilter(text: string): Filter {
  const tokens = tokenize(text);
  let pos = 0;
  const word = (w: string) => tokens[pos]?.t === 'word' && tokens[pos]!.v.toLowerCase() === w;
  const punct = (p: string) => tokens[pos]?.t === 'punct' && tokens[pos]!.v === p;
  const expect = (p: string) => {
    if (!punct(p)) throw new FilterError(`"${p}" expected`);
    pos++;
  };
  const or = (): Filter => {
    let left = and();
    while (word('or')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Filter => {
    let left = unary();
    while (word('and')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): Filter => {
    if (word('not')) {
      pos++;
      expect('(');
      const inner = or();
      expect(')');
      return { kind: 'not', inner };
    }
    if (punct('(')) {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    return attribute();
  };
  const attribute = (): Filter => {
    const token = tokens[pos++];
    if (token?.t !== 'word') throw new FilterError('an attribute expected');
    const path = token.v;
    if (punct('[')) {
      pos++;
      const inner = or();
      expect(']');
      return { kind: 'valuePath', path, inner };
    }
    const op = tokens[pos++];
    if (op?.t !== 'word' || !OPS.has(op.v.toLowerCase())) throw new FilterError(`an operator expected after ${path}`);
    if (op.v.toLowerCase() === 'pr') return { kind: 'compare', path, op: 'pr' };
    const value = tokens[pos++];
    if (!value) throw new FilterError(`a value expected after ${path} ${op.v}`);
    if (value.t === 'string') return { kind: 'compare', path, op: op.v.toLowerCase(), value: value.v };
    if (value.t === 'word') {
      const v = value.v.toLowerCase();
      if (v === 'true' || v === 'false') return { kind: 'compare', path, op: op.v.toLowerCase(), value: v === 'true' };
      if (v === 'null') return { kind: 'compare', path, op: op.v.toLowerCase(), value: null };
      if (/^-?\d+(\.\d+)?$/.test(v)) return { kind: 'compare', path, op: op.v.toLowerCase(), value: Number(v) };
    }
    throw new FilterError(`a value expected after ${path} ${op.v}, not ${JSON.stringify(value.v)}`);
  };
  const filter = or();
  if (pos < tokens.length) throw new FilterError(`an unexpected ${JSON.stringify(tokens[pos]!.v)}`);
  return filter;
}

const lower = (s: string) => s.toLowerCase();

/** The key of an object whose name matches ignoring case. */
export function keyOf(object: Record<string, unknown>, name: string): string | undefined {
  return Object.keys(object).find((k) => lower(k) === lower(name));
}

/** Values at an attribute path ("name.givenName", "emails.value", "urn:…:User:department"), flattening multi-valued ones. */
export function valuesAt(resource: Record<string, unknown>, path: string): unknown[] {
  let scope: unknown[] = [resource];
  let rest = path;
  const urn = /^(urn:[^ ]+):([^:]+)$/i.exec(path);
  if (urn) {
    const ext = keyOf(resource, urn[1]!);
    scope = ext ? [resource[ext]] : [];
    rest = urn[2]!;
  }
  for (const part of rest.split('.')) {
    const next: unknown[] = [];
    for (const item of scope) {
      const values = Array.isArray(item) ? item : [item];
      for (const v of values) {
        if (!v || typeof v !== 'object') continue;
        const key = keyOf(v as Record<string, unknown>, part);
        if (key !== undefined) next.push((v as Record<string, unknown>)[key]);
      }
    }
    scope = next.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return scope.filter((v) => v !== undefined && v !== null);
}

function compare(actual: unknown, op: string, expected: Value, caseExact: boolean): boolean {
  if (op === 'pr') return actual !== null && actual !== undefined && actual !== '';
  if (typeof actual === 'string' && typeof expected === 'string') {
    const [a, b] = caseExact ? [actual, expected] : [lower(actual), lower(expected)];
    switch (op) {
      case 'eq': return a === b;
      case 'ne': return a !== b;
      case 'co': return a.includes(b);
      case 'sw': return a.startsWith(b);
      case 'ew': return a.endsWith(b);
      case 'gt': return a > b;
      case 'ge': return a >= b;
      case 'lt': return a < b;
      case 'le': return a <= b;
    }
  }
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  if (typeof actual === 'number' && typeof expected === 'number')
    return op === 'gt' ? actual > expected : op === 'ge' ? actual >= expected : op === 'lt' ? actual < expected : op === 'le' ? actual <= expected : false;
  return false;
}

export function matches(filter: Filter, resource: Record<string, unknown>): boolean {
  switch (filter.kind) {
    case 'and':
      return matches(filter.left, resource) && matches(filter.right, resource);
    case 'or':
      return matches(filter.left, resource) || matches(filter.right, resource);
    case 'not':
      return !matches(filter.inner, resource);
    case 'valuePath': {
      const items = valuesAt(resource, filter.path);
      return items.some((item) => item && typeof item === 'object' && matches(filter.inner, item as Record<string, unknown>));
    }
    case 'compare': {
      const last = filter.path.split(/[.:]/).pop()!;
      const caseExact = CASE_EXACT.has(lower(last)) || lower(filter.path).startsWith('meta.');
      const values = valuesAt(resource, filter.path);
      if (filter.op === 'pr') return values.some((v) => compare(v, 'pr', null, caseExact));
      if (filter.op === 'ne') return values.length === 0 ? filter.value !== null : values.every((v) => compare(v, 'ne', filter.value!, caseExact));
      return values.some((v) => compare(v, filter.op, filter.value!, caseExact));
    }
  }
}
