import type { CanonicalValues } from '../../core/model/canonical.js';
import type { Entity } from '../../core/model/entities.js';
import { CUSTOM_PREFIX } from '../../core/model/fields.js';
import type { ListQuery, Connection, TargetWriter } from '../../core/ports.js';
import { RemoteError, UsageError, type FieldError } from '../../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/client.js';
import { connect, DEFAULT_TIMEOUT_MS, endpointOf, readAheadOf, type ConnectionSettings } from '../connection.js';
import { arrayIn, jsonObject, writeAnswer } from '../answer.js';
import { PageGuard, ReadAhead } from '../paging.js';
import { segment } from '../segment.js';
import { StringTable } from '../../shared/string-table.js';
import { ACCESSPLANIT_WIRE, accessplanitField, CUSTOM_FIELD_ENTITIES, fromAccessplanit, idsIn, isCustomProperty, MANAGER, NOT_FILTERABLE, NUMERIC_FIELDS, toAccessplanit, wireSelection } from './wire.js';

/** Pacing unless the config says otherwise: the documented 5,000 an hour, a burst of a tenth of it. */
const DOCUMENTED_RATE = { perSecond: 5000 / 3600, burst: 500 };

export interface AccessplanitSettings extends ConnectionSettings {
  name: string;
  baseUrl: string;
  /** An API key, sent as a bearer; or a user name and password for the token grant. */
  apiKey?: string;
  userName?: string;
  password?: string;
}

/** What a list or lookup is answered with, for a message about an answer that is not. */
const FEED = 'an OData feed (JSON with a results array)';
/** Records asked for per page. [guess] the platform's largest page is undocumented. */
const PAGE_SIZE = 500;

/** [guess] a 400's body: {"errors":[{"field","message"}]}. */
export function accessplanitFieldErrors(body: unknown): FieldError[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: Record<string, unknown>) => ({ field: String(e?.field ?? ''), message: String(e?.message ?? '') }));
}

const MODULE: Record<Entity, string> = {
  users: 'User', companies: 'Company', groups: 'CompanyGroup',
  // seed 001 flows e–i; UserJobRole is a [guess]: the guide names no job-role endpoint.
  delegates: 'UserCourseDate', authorisations: 'ManagerUserCourseDateAuthorisation', awards: 'UserAward', jobroles: 'UserJobRole',
};
/** The training records: read back to HR, and (delegates, awards) only ever updated — in these fields. */
const TRAINING: ReadonlySet<Entity> = new Set(['delegates', 'authorisations', 'awards', 'jobroles']);
const UPDATABLE: Partial<Record<Entity, readonly string[]>> = { delegates: ['status'], awards: ['targetDate'] };
/** Refresh a token this long before it expires. */
const EARLY_MS = 60_000;

/** An OData string literal: quotes doubled. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
/** The longest query string a request built of clauses is let grow to (IIS's default limit is 2,048 bytes). */
const QUERY_BYTES = 1_800;
/** Bytes of text in a query string as URLSearchParams writes it: an apostrophe is %27 there (3 bytes), a space + (1). */
const queryBytes = (text: string) => new URLSearchParams({ q: text }).toString().length - 2;
/** What a lookupMany query holds besides its clauses: `$top`, `$count` and the `$filter=` name. */
const QUERY_FRAME = new URLSearchParams({ $top: '999', $count: 'true', $filter: '' }).toString().length;
/** Filter clauses in groups whose `or`-joined query, encoded as sent, stays under QUERY_BYTES (a clause longer than that goes alone). */
function* byQueryLength(clauses: readonly string[]): Generator<string[]> {
  let part: string[] = [];
  let bytes = QUERY_FRAME;
  for (const clause of clauses) {
    const size = queryBytes(` or ${clause}`);
    if (part.length && bytes + size > QUERY_BYTES) {
      yield part;
      part = [];
      bytes = QUERY_FRAME;
    }
    part.push(clause);
    bytes += size;
  }
  if (part.length) yield part;
}
/** A literal for a wire field: a whole number unquoted for a numeric field, else a string. */
const literalFor = (wire: string, value: string) => (NUMERIC_FIELDS.has(wire) && /^\d+$/.test(value.trim()) ? value.trim() : literal(value));

/** `status=Enabled,New` → `(Status eq 'Enabled' or Status eq 'New')`, joined with and; `since` → DateUpdated. */
export function odataFilter(entity: Entity, filter: Record<string, string[]> = {}, since?: string): string | undefined {
  const clauses = Object.entries(filter).map(([field, values]) => {
    const wire = accessplanitField(entity, field);
    if (!wire) throw new UsageError(`a filter on ${field}: accessplanit ${entity} have no such field`);
    if (entity === 'users' && NOT_FILTERABLE.has(field)) throw new UsageError(`a filter on ${field}: accessplanit cannot filter users on it (it holds IDs)`);
    const parts = values.map((v) => `${wire} eq ${literalFor(wire, v)}`);
    return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
  });
  if (since) {
    const at = Date.parse(since); // checked by the caller
    // [guess] DateUpdated is filterable and compares as its own zone-less ISO text.
    clauses.push(`DateUpdated ge ${literal(new Date(at).toISOString().slice(0, 22))}`);
  }
  return clauses.length ? clauses.join(' and ') : undefined;
}

/** accessplanit API v2 feeds: users, companies and company groups; delegates, authorisations, awards and job roles. */
export class AccessplanitTarget implements Connection {
  readonly type = 'accessplanit' as const;
  readonly entities = ['users', 'companies', 'groups', 'delegates', 'authorisations', 'awards', 'jobroles'] as const;
  readonly can = { list: true };
  readonly customFields = CUSTOM_FIELD_ENTITIES;
  readonly wire = ACCESSPLANIT_WIRE;
  readonly label: string;
  readonly identity: string;
  private readonly http: HttpClient;
  /** How requests to it are paced (the documented limit, or the config's rateLimit), to say how long a run takes. */
  get pacing() {
    return this.http.pacing;
  }
  private token: { value: string; expires: number; refresh?: string } | undefined;
  private readonly now: () => number;
  /**
   * User ID → email, from every user read: a manager is an ID on the wire, an email in hrsync. A
   * StringTable, not a Map: a million users read are ~50 MB, not ~95 (issue 22 goal 4).
   */
  private readonly emails = new StringTable();
  /** The server answered a $select with 400: whole records from then on (see list). */
  private selectRefused = false;
  /** The server answered a filter of several `or` clauses with 400, 404 or 414: one lookup a key from then on (see lookupMany). */
  private manyRefused = false;
  /**
   * The same, by email (lower case) → user ID: made from `emails` when a write first needs a manager's
   * ID — a plan never does, and a million users' emails twice over is ~60 MB (issue 22 goal 4) — then
   * kept in step. Two users of one email: the one read last of those first read, not the last re-read.
   */
  private ids: StringTable | undefined;
  /** The tenant's custom-field properties (CF_…) per entity, read once a connection (customProperties). */
  private readonly custom = new Map<Entity, Promise<string[]>>();

  private remember(id: string, email: unknown): void {
    const old = this.emails.get(id);
    const now = typeof email === 'string' && email.trim() ? email.trim() : null;
    this.emails.set(id, now);
    if (!this.ids) return;
    if (old && this.ids.get(old.toLowerCase()) === id) this.ids.delete(old.toLowerCase());
    if (now) this.ids.set(now.toLowerCase(), id);
  }

  /** `ids`, made from the users read so far the first time it is asked for. */
  private idsByEmail(): StringTable {
    if (!this.ids) {
      this.ids = new StringTable();
      for (const [id, email] of this.emails.entries()) if (email) this.ids.set(email.toLowerCase(), id);
    }
    return this.ids;
  }

  constructor(private readonly settings: AccessplanitSettings) {
    this.label = `accessplanit "${settings.name}"`;
    this.identity = `accessplanit ${endpointOf(settings.baseUrl)}`;
    if (!settings.apiKey && !(settings.userName && settings.password))
      throw new UsageError(`${this.label}: give an apiKey, or a userName and password`);
    this.now = settings.now ?? Date.now;
    this.http = connect({
      baseUrl: settings.baseUrl,
      label: this.label,
      settings,
      secrets: () => [settings.apiKey, settings.password, this.token?.value, this.token?.refresh],
      defaultRate: DOCUMENTED_RATE,
      fieldErrors: accessplanitFieldErrors,
    });
  }

  get name(): string {
    return this.settings.name;
  }

  private async grant(body: string): Promise<void> {
    // A grant is safe to ask for twice: a lost answer only costs an unused token.
    const res = await this.http.request({ method: 'POST', path: 'Token', endpoint: 'Token', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, accept: [400], idempotent: true });
    const b = res.status === 200 ? (jsonObject(res, 'a token (JSON with access_token)') as { access_token?: string; expires_in?: number; refresh_token?: string }) : undefined;
    if (res.status !== 200 || !b?.access_token) throw new RemoteError('auth', `${this.label}: the token request was refused`, res.status, [], 'check userName and password in the config');
    this.token = { value: b.access_token, expires: this.now() + (b.expires_in ?? 3600) * 1000, ...(b.refresh_token ? { refresh: b.refresh_token } : {}) };
  }

  private async bearer(): Promise<string> {
    if (this.settings.apiKey) return this.settings.apiKey;
    if (this.token && this.token.expires - EARLY_MS > this.now()) return this.token.value;
    const refresh = this.token?.refresh;
    if (refresh) {
      try {
        await this.grant(`grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh)}`);
        return this.token!.value;
      } catch (error) {
        if (!(error instanceof RemoteError) || error.kind !== 'auth') throw error; // refresh refused: sign in again
      }
    }
    await this.grant(`grant_type=password&UserName=${encodeURIComponent(this.settings.userName!)}&Password=${encodeURIComponent(this.settings.password!)}`);
    return this.token!.value;
  }

  /** Every call but the token grant: a bearer, and one fresh sign-in when a token is refused. */
  async call(req: HttpRequest): Promise<HttpResponse> {
    const send = (token: string) => this.http.request({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } });
    const token = await this.bearer(); // a refused sign-in fails here, once
    try {
      return await send(token);
    } catch (error) {
      if (!(error instanceof RemoteError) || error.kind !== 'auth' || this.settings.apiKey) throw error;
      this.token = undefined; // revoked or expired early: sign in once more
      return send(await this.bearer());
    }
  }

  /**
   * Pages by what was received, not by what was asked: the largest page is undocumented and a server
   * may cap it silently, so a short page does not end the list — an empty one does, or the count the
   * first page announces ($count=true; [guess] its name is `count`). See PageGuard for what stops it.
   * With a count, the pages after the first are read ahead at offsets of the first page's length
   * (ReadAhead): the same requests, overlapping.
   * Each page asks only for the properties the mapping reads, and the tenant's custom fields ($select:
   * wireSelection): a whole User is ~107 properties, of which hrsync maps 25 (issue 22).
   */
  async *list(entity: Entity, query: ListQuery = {}): AsyncIterable<CanonicalValues[]> {
    const size = this.settings.pageSize ?? PAGE_SIZE;
    const filter = odataFilter(entity, query.filter, query.since);
    const select = wireSelection(entity, await this.customProperties(entity)).join(',');
    const guard = new PageGuard(this.label, MODULE[entity], query.onNotice, this.settings);
    const page = async (skip: number, selecting: boolean) => {
      const params = new URLSearchParams({ $top: String(size), $skip: String(skip), $orderby: 'ID', ...(selecting ? { $select: select } : {}) });
      if (skip === 0) params.set('$count', 'true');
      if (filter) params.set('$filter', filter);
      const { list, body } = arrayIn(await this.call({ method: 'GET', path: `${MODULE[entity]}?${params}`, endpoint: MODULE[entity] }), 'results', FEED);
      return { rows: list as Array<Record<string, unknown>>, count: typeof body.count === 'number' ? body.count : undefined };
    };
    // A server that refuses the selection ($select is documented, a custom field's name in it is not):
    // the first page is asked again whole, and so is every page of this connection after it — slower, never wrong.
    const first = this.selectRefused ? undefined : await page(0, true).catch((error: unknown) => {
      if (!(error instanceof RemoteError) || error.status !== 400) throw error;
      this.selectRefused = true;
      query.onNotice?.(`${this.label} refused $select on ${MODULE[entity]} (${error.message}): reading whole records instead`);
      return undefined;
    });
    const pages = new ReadAhead(async (skip) => (skip === 0 && first ? first : page(skip, !this.selectRefused)), readAheadOf(this.settings));
    for (let skip = 0; ; ) {
      const { rows, count } = await pages.get(skip);
      if (skip === 0) guard.expect(count);
      if (rows.length === 0) break;
      const fresh = guard.page(rows, (row) => (row.ID === null || row.ID === undefined ? undefined : String(row.ID)));
      if (skip === 0 && count !== undefined) pages.plan(rows.length, rows.length, count);
      skip += rows.length;
      if (fresh.length) yield await this.canonical(entity, fresh);
      if (guard.complete) break;
    }
    guard.finish();
  }

  /** Rows → canonical values; a user's managerEmail is the email of the first of its ManagerUsersIDs [guess: one manager in hrsync]. */
  private async canonical(entity: Entity, rows: Array<Record<string, unknown>>): Promise<CanonicalValues[]> {
    if (entity !== 'users') return rows.map((row) => fromAccessplanit(entity, row));
    for (const row of rows) if (typeof row.ID === 'string') this.remember(row.ID, row.Email);
    const managers = rows.map((row) => idsIn(row[MANAGER])[0]);
    await this.readEmails(managers.filter((id): id is string => id !== undefined && !this.emails.has(id)));
    // Added in place, not spread into a copy: a copy of a record this wide gets a hidden class of its own (issue 22 goal 4).
    return rows.map((row, i) => {
      const values = fromAccessplanit(entity, row);
      if (MANAGER in row) values.managerEmail = managers[i] === undefined ? null : (this.emails.get(managers[i]!) ?? null);
      return values;
    });
  }

  /** The emails of users not read yet (a manager on a later page), 20 IDs a request. */
  private async readEmails(ids: string[]): Promise<void> {
    const wanted = [...new Set(ids)];
    for (let i = 0; i < wanted.length; i += 20) {
      const part = wanted.slice(i, i + 20);
      const params = new URLSearchParams({ $select: 'ID,Email', $top: String(part.length), $filter: part.map((id) => `ID eq ${literal(id)}`).join(' or ') });
      const res = await this.call({ method: 'GET', path: `User?${params}`, endpoint: 'User' });
      for (const id of part) this.emails.set(id, null);
      for (const row of arrayIn(res, 'results', FEED).list as Array<Record<string, unknown>>) this.remember(String(row.ID), row.Email);
    }
  }

  /**
   * Records whose `field` is any of `values`: `$filter` clauses joined by `or`, in requests whose query
   * stays under QUERY_BYTES (IIS refuses a query string over 2,048 bytes by default [guess: the
   * platform's server is IIS; its answers are .NET's]). A server that refuses such a filter (400, 404 or
   * 414) is not asked again this connection: the answer is then incomplete, and each value is looked up
   * alone.
   */
  private async lookupMany(entity: Entity, field: string, values: readonly string[]): Promise<{ records: CanonicalValues[]; complete: boolean }> {
    const wire = accessplanitField(entity, field);
    if (!wire) return { records: [], complete: true };
    const rows: Array<Record<string, unknown>> = [];
    let complete = true;
    for (const part of byQueryLength(values.map((v) => `${wire} eq ${literalFor(wire, v)}`))) {
      if (this.manyRefused) return { records: [], complete: false };
      const top = 2 * part.length;
      const params = new URLSearchParams({ $top: String(top), $count: 'true', $filter: part.join(' or ') });
      let answer;
      try {
        answer = arrayIn(await this.call({ method: 'GET', path: `${MODULE[entity]}?${params}`, endpoint: MODULE[entity] }), 'results', FEED);
      } catch (error) {
        if (!(error instanceof RemoteError) || ![400, 404, 414].includes(error.status ?? 0) || part.length === 1) throw error;
        this.manyRefused = true;
        return { records: [], complete: false };
      }
      const list = answer.list as Array<Record<string, unknown>>;
      complete &&= typeof answer.body.count === 'number' ? list.length >= answer.body.count : list.length < top;
      rows.push(...list);
    }
    return { records: rows.length ? await this.canonical(entity, rows) : [], complete };
  }

  /** The manager's user ID by email: from the users read, else one lookup; a manager who is not (yet) a user fails the row, saying so. */
  private async managerId(email: unknown): Promise<string | null> {
    if (typeof email !== 'string' || !email.trim()) return null;
    const known = this.idsByEmail().get(email.trim().toLowerCase());
    if (known) return known;
    const params = new URLSearchParams({ $select: 'ID,Email', $top: '2', $filter: `Email eq ${literal(email.trim())}` });
    const res = await this.call({ method: 'GET', path: `User?${params}`, endpoint: 'User' });
    const row = arrayIn(res, 'results', FEED).list[0] as Record<string, unknown> | undefined;
    if (!row) throw new RemoteError('validation', `${this.label}: the manager ${email} is not a user of ${this.label} (yet): create the manager first, then run again`, undefined, [{ field: 'managerEmail', message: `no user has the email ${email}` }]);
    this.remember(String(row.ID), row.Email);
    return String(row.ID);
  }

  async count(entity: Entity, query: ListQuery = {}): Promise<number | undefined> {
    const params = new URLSearchParams({ $top: '0', $count: 'true' });
    const filter = odataFilter(entity, query.filter, query.since);
    if (filter) params.set('$filter', filter);
    const res = await this.call({ method: 'GET', path: `${MODULE[entity]}?${params}`, endpoint: MODULE[entity] });
    const n = jsonObject(res, FEED).count;
    return typeof n === 'number' ? n : undefined;
  }

  /** The tenant's user (or delegate) custom fields, as canonical names (custom.<name>). */
  async customFieldNames(entity: Entity): Promise<string[]> {
    return (await this.customProperties(entity)).map((k) => `${CUSTOM_PREFIX}${k.slice(3)}`);
  }

  /**
   * The tenant's user (or delegate) custom fields, as wire properties (CF_…): one record's ($top=1: one
   * small read, once a connection) [guess: every record carries every custom field, null when unset — the
   * emulator's; a field only some records carried would be missed here, and by list()'s $select].
   */
  private customProperties(entity: Entity): Promise<string[]> {
    if (!CUSTOM_FIELD_ENTITIES.includes(entity)) return Promise.resolve([]);
    const known = this.custom.get(entity);
    if (known) return known;
    const read = (async () => {
      const res = await this.call({ method: 'GET', path: `${MODULE[entity]}?$top=1`, endpoint: MODULE[entity] });
      const [row] = arrayIn(res, 'results', FEED).list as Array<Record<string, unknown> | undefined>;
      if (!row) this.custom.delete(entity); // no record to tell yet: asked again next time
      return Object.keys(row ?? {}).filter(isCustomProperty).sort();
    })();
    this.custom.set(entity, read);
    read.catch(() => this.custom.delete(entity)); // so is a failed read
    return read;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  readonly writer: TargetWriter = {
    // Groups and companies without IDs in the input are found by label and name.
    // A delegate by its ID, or by its user and course date; a user award by its ID, or its user and award.
    matchKeys: (entity) =>
      entity === 'users' ? ['externalId', 'id', 'email']
      : entity === 'companies' ? ['id', 'externalId', 'name']
      : entity === 'groups' ? ['id', 'label']
      : entity === 'delegates' ? ['id', 'userId+courseDateId']
      : entity === 'awards' ? ['id', 'userId+awardId']
      : ['id'],
    readOnly: (entity) => (entity === 'users' ? ['companyName'] : TRAINING.has(entity) ? Object.keys(ACCESSPLANIT_WIRE[entity]).filter((f) => f !== 'id' && !UPDATABLE[entity]?.includes(f)) : []),
    updatesOnly: (entity) => TRAINING.has(entity),
    // The platform stores the manager's user ID: a manager created in the same run is written first.
    writtenAfter: (entity) => (entity === 'users' ? [{ field: 'managerEmail', key: 'email', byId: true }] : []),
    deactivation: (entity) => (entity === 'users' ? { field: 'status', value: 'Disabled', active: 'Enabled' } : undefined),
    settleMs: () => 2 * (this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    canDelete: (entity) => !TRAINING.has(entity),
    // [guess, the emulator's strict case] the platform keeps a company that has users and a group that
    // companies are in: delete those first.
    deleteBlockedBy: (entity) => (entity === 'companies' ? [{ entity: 'users', field: 'companyId' }, { entity: 'users', field: 'secondaryCompanyIds' }] : entity === 'groups' ? [{ entity: 'companies', field: 'groupIds' }] : []),
    lookup: async (entity, key) => {
      const wire = accessplanitField(entity, key.field);
      if (!wire) return undefined;
      const params = new URLSearchParams({ $top: '2', $filter: `${wire} eq ${literalFor(wire, key.value)}` });
      const res = await this.call({ method: 'GET', path: `${MODULE[entity]}?${params}`, endpoint: MODULE[entity] });
      const row = arrayIn(res, 'results', FEED).list[0] as Record<string, unknown> | undefined;
      return row ? (await this.canonical(entity, [row]))[0] : undefined;
    },
    // Up to 20 values a request, as readEmails: a filter of `or` clauses, with $count so a cut answer shows.
    lookupMany: { atOnce: 20, find: (entity, field, values) => this.lookupMany(entity, field, values) },
    write: async (op) => {
      const module = MODULE[op.entity];
      if (TRAINING.has(op.entity) && op.action !== 'update') throw new Error(`hrsync never ${op.action}s ${op.entity}: only updates them`); // a bug if reached
      const path = op.id === undefined ? module : `${module}/${segment(op.id, this.label)}`;
      if (op.action === 'delete') {
        await this.call({ method: 'DELETE', path, endpoint: module });
        return { id: op.id! };
      }
      const values = op.action === 'deactivate' ? { [this.writer.deactivation(op.entity)!.field]: this.writer.deactivation(op.entity)!.value as string } : op.values ?? {};
      const body = toAccessplanit(op.entity, values);
      if (op.entity === 'users' && 'managerEmail' in values) body[MANAGER] = await this.managerId(values.managerEmail);
      if (op.action === 'create') {
        delete body.ID;
        if (values.id) body.ID = values.id; // an ID from the input is kept; otherwise the platform assigns one
      }
      const res = await this.call({ method: op.action === 'create' ? 'POST' : 'PUT', path, endpoint: module, body });
      const id = writeAnswer(res, `a ${module} record (a JSON object)`)?.ID;
      const written = id === undefined || id === null ? op.id ?? '' : String(id);
      if (op.entity === 'users' && written && 'email' in values) this.remember(written, values.email);
      return { id: written };
    },
  };
}
