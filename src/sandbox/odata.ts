/**
 * The OData subset accessplanit's v2 feeds document: $filter with eq ne gt ge lt le, and, or, not,
 * parentheses and contains / startswith / endswith; $select, $orderby, $top, $skip, $count.
 * Field names compare case-insensitively, string values case-sensitively (as SQL Server's default
 * collation would not — [guess]: exact match is the safer emulation for a sync tool's tests).
 */
export class ODataError extends Error {}

type Value = string | number | boolean | null;
/**
 * A property's type as a vendor's model declares it (C#: string, List<string>, int, bool, DateTime,
 * Guid). A $filter is checked against these before any row is read: a comparison it cannot evaluate
 * is a 400 naming the property and why, never an empty list (see checkFilter).
 */
export type PropType = 'string' | 'list' | 'int' | 'bool' | 'date' | 'guid';
/** A module's properties by name, as the module spells them. */
export type Properties = Readonly<Record<string, PropType>>;

type Expr =
  | { kind: 'literal'; value: Value }
  | { kind: 'field'; name: string; type?: PropType }
  | { kind: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: Expr; right: Expr }
  | { kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'call'; name: 'contains' | 'startswith' | 'endswith'; args: Expr[] };

type Token = { type: 'str'; value: string } | { type: 'num'; value: number } | { type: 'word'; value: string } | { type: 'punct'; value: '(' | ')' | ',' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ODataError('unterminated string literal in $filter');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'str', value });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', value: c });
      i++;
    } else if (/[-\d]/.test(c) && /^-?\d/.test(text.slice(i, i + 2))) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i))!;
      tokens.push({ type: 'num', value: Number(m[0]) });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_][\w./]*/.exec(text.slice(i));
      if (!m) throw new ODataError(`unexpected "${c}" in $filter at position ${i + 1}`);
      tokens.push({ type: 'word', value: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);

export function parseFilter(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, w: string) => t?.type === 'word' && t.value.toLowerCase() === w;
  const expect = (p: '(' | ')' | ',') => {
    const t = tokens[pos++];
    if (t?.type !== 'punct' || t.value !== p) throw new ODataError(`expected "${p}" in $filter`);
  };
  const or = (): Expr => {
    let left = and();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'logical', op: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Expr => {
    let left = unary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'logical', op: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): Expr => {
    if (isWord(peek(), 'not')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    return comparison();
  };
  const comparison = (): Expr => {
    const left = primary();
    const t = peek();
    if (t?.type === 'word' && COMPARISONS.has(t.value.toLowerCase())) {
      pos++;
      return { kind: 'compare', op: t.value.toLowerCase() as 'eq', left, right: primary() };
    }
    return left;
  };
  const primary = (): Expr => {
    const t = tokens[pos++];
    if (!t) throw new ODataError('$filter ends too early');
    if (t.type === 'punct' && t.value === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (t.type === 'str' || t.type === 'num') return { kind: 'literal', value: t.value };
    if (t.type === 'word') {
      const lower = t.value.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
      if (lower === 'null') return { kind: 'literal', value: null };
      const opens = peek()?.type === 'punct' && (peek() as { value: string }).value === '(';
      if (opens && !FUNCTIONS.has(lower)) throw new ODataError(`An unknown function with name '${t.value}' was found: only contains, startswith and endswith are supported.`);
      if (opens) {
        pos++;
        const args = [or()];
        while (peek()?.type === 'punct' && (peek() as { value: string }).value === ',') {
          pos++;
          args.push(or());
        }
        expect(')');
        if (args.length !== 2) throw new ODataError(`${lower}() takes two arguments`);
        return { kind: 'call', name: lower as 'contains', args };
      }
      return { kind: 'field', name: t.value };
    }
    throw new ODataError(`unexpected "${t.value}" in $filter`);
  };
  const expr = or();
  if (pos < tokens.length) throw new ODataError(`unexpected "${String(tokens[pos]!.value)}" in $filter`);
  return expr;
}

export type Row = Record<string, unknown>;

/** Reads a field ignoring case, as the platform's OData layer does. */
export function fieldOf(row: Row, name: string): unknown {
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(row)) if (key.toLowerCase() === lower) return row[key];
  return undefined;
}

function evaluate(expr: Expr, row: Row): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'field': {
      const v = fieldOf(row, expr.name);
      if (expr.type === 'date') return typeof v === 'string' ? dateValue(v) : null;
      return v === undefined ? null : (v as Value);
    }
    case 'not':
      return !evaluate(expr.operand, row);
    case 'logical': {
      const l = Boolean(evaluate(expr.left, row));
      return expr.op === 'and' ? l && Boolean(evaluate(expr.right, row)) : l || Boolean(evaluate(expr.right, row));
    }
    case 'call': {
      const [a, b] = expr.args.map((e) => evaluate(e, row));
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      return expr.name === 'contains' ? a.toLowerCase().includes(b.toLowerCase()) : expr.name === 'startswith' ? a.toLowerCase().startsWith(b.toLowerCase()) : a.toLowerCase().endsWith(b.toLowerCase());
    }
    case 'compare': {
      const l = evaluate(expr.left, row);
      const r = evaluate(expr.right, row);
      // A number field compared with a quoted literal (CourseDateID eq '12368'): an OData server refuses
      // it [guess: the strict case], never answers an empty list a client would read as "not found".
      if ((typeof l === 'number' && typeof r === 'string') || (typeof l === 'string' && typeof r === 'number'))
        throw new ODataError(`A binary operator with incompatible types was detected. Found operand types '${typeof l === 'number' ? 'Edm.Int32' : 'Edm.String'}' and '${typeof r === 'number' ? 'Edm.Int32' : 'Edm.String'}' for operator kind '${expr.op}'.`);
      if (expr.op === 'eq') return l === r || (l === null && r === '') || (l === '' && r === null);
      if (expr.op === 'ne') return !(l === r || (l === null && r === '') || (l === '' && r === null));
      if (l === null || r === null) return false;
      const c = l < r ? -1 : l > r ? 1 : 0;
      return expr.op === 'gt' ? c > 0 : expr.op === 'ge' ? c >= 0 : expr.op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

export function matches(expr: Expr, row: Row): boolean {
  return Boolean(evaluate(expr, row));
}

/** The fields a filter names, as written. */
export function fieldsIn(expr: Expr): string[] {
  switch (expr.kind) {
    case 'field':
      return [expr.name];
    case 'literal':
      return [];
    case 'not':
      return fieldsIn(expr.operand);
    case 'call':
      return expr.args.flatMap(fieldsIn);
    default:
      return [...fieldsIn(expr.left), ...fieldsIn(expr.right)];
  }
}

export interface ListQuery {
  filter?: Expr;
  filterText: string;
  orderBy: Array<{ field: string; desc: boolean }>;
  select?: string[];
  top?: number;
  skip: number;
  count: boolean;
}

/** A date-time as the platform writes it ("2025-02-22T11:01:38.17", no zone: taken as UTC) or a date; else undefined. */
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:\d{2})?$/;
export function dateValue(text: string): number | null {
  if (!DATE.test(text)) return null;
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : text.length === 10 ? `${text}T00:00:00Z` : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : ms;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORDS: Record<PropType, string> = {
  string: 'text, written in quotes', list: 'a list of strings', int: 'a number, written without quotes', bool: 'a boolean, written true or false without quotes',
  date: "a date-time, written in quotes as yyyy-mm-dd or yyyy-mm-ddThh:mm:ss", guid: 'a Guid, written in quotes',
};
const shown = (value: Value) => (typeof value === 'string' ? `'${value}'` : String(value));

/** Whether a literal can be compared with a property of this type; a date literal becomes its time. */
function fits(type: PropType, literal: { kind: 'literal'; value: Value }): boolean {
  const v = literal.value;
  if (v === null) return type !== 'list';
  if (type === 'string') return typeof v === 'string';
  if (type === 'int') return typeof v === 'number';
  if (type === 'bool') return typeof v === 'boolean';
  if (type === 'guid') return typeof v === 'string' && GUID.test(v);
  if (type !== 'date' || typeof v !== 'string') return false;
  const ms = dateValue(v);
  if (ms === null) return false;
  literal.value = ms;
  return true;
}

type Field = Extract<Expr, { kind: 'field' }>;

/** The property a field names, its type recorded on the node; one the module lacks is a 400. */
function property(expr: Field, props: ReadonlyMap<string, PropType>): PropType {
  const type = props.get(expr.name.toLowerCase());
  if (!type) throw new ODataError(`Could not find a property named '${expr.name}'.`);
  expr.type = type;
  return type;
}

function checkCompare(expr: Extract<Expr, { kind: 'compare' }>, props: ReadonlyMap<string, PropType>): void {
  const [field, other] = expr.left.kind === 'field' ? [expr.left, expr.right] : [expr.right, expr.left];
  if (field.kind !== 'field') {
    if (field.kind !== 'literal' || other.kind !== 'literal') throw new ODataError(`only a property and a value, or two values, can be compared with ${expr.op}`);
    return;
  }
  const type = property(field, props);
  if (type === 'list') throw new ODataError(`The property '${field.name}' is a list of strings: it cannot be compared with ${expr.op}.`);
  if (other.kind === 'field') {
    const second = property(other, props);
    if (second !== type) throw new ODataError(`Cannot compare '${field.name}' with '${other.name}' (incompatible types): ${field.name} is ${WORDS[type]}, ${other.name} ${WORDS[second]}.`);
    return;
  }
  if (other.kind !== 'literal') throw new ODataError(`'${field.name}' can only be compared with a value or another property`);
  const value = other.value;
  if (!fits(type, other)) throw new ODataError(`Cannot compare '${field.name}' with ${shown(value)} (incompatible types): ${field.name} is ${WORDS[type]}.`);
}

/** A $filter checked against the module's properties and typed, or an ODataError saying which property and why. */
function checkFilter(expr: Expr, props: ReadonlyMap<string, PropType>, condition = true): void {
  if (expr.kind === 'logical') {
    checkFilter(expr.left, props);
    checkFilter(expr.right, props);
  } else if (expr.kind === 'not') checkFilter(expr.operand, props);
  else if (expr.kind === 'compare') checkCompare(expr, props);
  else if (expr.kind === 'call') {
    const [text, part] = expr.args as [Expr, Expr];
    if (text.kind === 'field' && property(text, props) !== 'string')
      throw new ODataError(`${expr.name}() takes text: the property '${text.name}' is ${WORDS[text.type!]}.`);
    if (text.kind !== 'field' && !(text.kind === 'literal' && typeof text.value === 'string')) throw new ODataError(`${expr.name}() takes a property and a quoted value`);
    if (part.kind !== 'literal' || typeof part.value !== 'string') throw new ODataError(`${expr.name}() takes a quoted value as its second argument`);
  } else if (expr.kind === 'field') {
    const type = property(expr, props);
    if (condition && type !== 'bool') throw new ODataError(`The property '${expr.name}' is ${WORDS[type]}, not a condition: compare it with a value.`);
  } else if (condition && typeof expr.value !== 'boolean') throw new ODataError(`${shown(expr.value)} is not a condition.`);
}

/**
 * Reads the OData query options of a URL; malformed ones throw ODataError (a 400). With `properties`,
 * a $filter, $orderby or $select naming a property the module does not have is a 400 too, as an
 * OData-style server answers it, and so is a $filter it cannot evaluate (a quoted boolean or number, an
 * unquoted text, a date compared with text that is no date, a list compared with a value, a function it
 * does not know, a text function on a number): never an empty list a client would read as "no such record".
 */
export function parseListQuery(params: URLSearchParams, maxTop: number, properties?: Properties): ListQuery {
  const get = (k: string) => params.get(k) ?? params.get(k.slice(1)) ?? undefined;
  const filterText = (get('$filter') ?? '').trim();
  const whole = (k: string) => {
    const v = get(k);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new ODataError(`${k} must be a whole number, not "${v}"`);
    return Number(v);
  };
  const top = whole('$top');
  if (top !== undefined && top > maxTop) throw new ODataError(`$top may be at most ${maxTop}`);
  const orderText = get('$orderby');
  const orderBy = orderText
    ? orderText.split(',').map((part) => {
        const [field, dir] = part.trim().split(/\s+/);
        if (!field || (dir && !/^(asc|desc)$/i.test(dir))) throw new ODataError(`bad $orderby "${orderText}"`);
        return { field, desc: /^desc$/i.test(dir ?? '') };
      })
    : [];
  const select = get('$select')?.split(',').map((s) => s.trim()).filter(Boolean);
  const query: ListQuery = { filterText, orderBy, skip: whole('$skip') ?? 0, count: (get('$count') ?? '').toLowerCase() === 'true' };
  if (filterText) query.filter = parseFilter(filterText);
  if (properties) checkNames(query, select ?? [], properties);
  if (top !== undefined) query.top = top;
  if (select) query.select = select;
  return query;
}

/** Every property a query names must be the module's; a $filter must be one it can evaluate; lists cannot be sorted. */
function checkNames(query: ListQuery, select: readonly string[], properties: Properties): void {
  const props = new Map(Object.entries(properties).map(([name, type]) => [name.toLowerCase(), type]));
  if (query.filter) checkFilter(query.filter, props);
  for (const { field } of query.orderBy)
    if (property({ kind: 'field', name: field }, props) === 'list') throw new ODataError(`The property '${field}' is a list of strings: it cannot be sorted on.`);
  for (const name of select) property({ kind: 'field', name }, props);
}

export function project(row: Row, select: string[] | undefined): Row {
  if (!select) return row;
  const out: Row = {};
  for (const name of select) {
    // The name as the model spells it first: a case-insensitive search of a ~107-property row for each name costs more than the answer.
    const key = Object.hasOwn(row, name) ? name : Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key) out[key] = row[key];
  }
  return out;
}

export function compareRows(orderBy: ListQuery['orderBy']): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const { field, desc } of orderBy) {
      const x = fieldOf(a, field) as Value;
      const y = fieldOf(b, field) as Value;
      if (x === y) continue;
      if (x === null || x === undefined) return desc ? 1 : -1;
      if (y === null || y === undefined) return desc ? -1 : 1;
      const c = x < y ? -1 : 1;
      return desc ? -c : c;
    }
    return 0;
  };
}
