import type { CanonicalValues } from '../../core/model/canonical.js';
import type { Entity } from '../../core/model/entities.js';
import type { ListQuery, MatchKey, Connection, TargetWriter, WriteOp } from '../../core/ports.js';
import { RemoteError, type FieldError } from '../../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/client.js';
import { connect, DEFAULT_TIMEOUT_MS, endpointOf, readAheadOf, type ConnectionSettings } from '../connection.js';
import { arrayIn, jsonObject, writeAnswer } from '../answer.js';
import { PageGuard, ReadAhead } from '../paging.js';
import { segment } from '../segment.js';
import { KeyedQueue } from '../../shared/keyed-queue.js';
import { Batcher, NOT_PERFORMED, REFUSED, type BulkAnswer, type BulkOperation, type BulkRow } from './bulk.js';
import { discover, type Discovered } from './discovery.js';
import { GroupBook } from './groups.js';
import { patchOperations } from './patch.js';
import { CORE_GROUP, CORE_USER, ENTERPRISE, fromScimGroup, fromScimUser, PATCH_OP, SCIM_GROUP_WIRE, SCIM_USER_WIRE, toScimUser, type Resource } from './wire.js';

export interface ScimSettings extends ConnectionSettings {
  name: string;
  /** The service provider's SCIM root, e.g. https://lms.example.com/scim/v2. */
  baseUrl: string;
  /** The bearer token. */
  token: string;
  /** Which canonical field becomes userName (default: the email). */
  userName?: 'email' | 'externalId';
  /** Use PATCH where /ServiceProviderConfig advertises it ("auto"), never ("never": PUT), or whatever it says ("always"). */
  patch?: 'auto' | 'never' | 'always';
  /** Look records up with filters where the provider offers them ("auto"), or read the list and match here ("never"). */
  filter?: 'auto' | 'never';
  /** displayName and name.formatted follow the name parts on every write ("derive", the default), or are never sent ("none"). */
  displayName?: 'derive' | 'none';
  /** Group writes into /Bulk requests where /ServiceProviderConfig offers it ("auto"), or never ("never"). */
  bulk?: 'auto' | 'never';
}

/** The most writes apply keeps in flight per connection for one bulk request, whatever maxOperations a provider allows [guess]. */
const MAX_BULK_OPERATIONS = 1000;

/** A user write made ready: a create's new resource, or an update's current resource and what it becomes. */
interface UserWrite {
  groups: string[] | undefined;
  body?: Resource;
  current?: Resource;
  next?: Resource;
}

const PATH: Record<'users' | 'groups', string> = { users: 'Users', groups: 'Groups' };
/** What a SCIM service provider answers, for a message about an answer that is not. */
const LIST_ANSWER = 'a SCIM ListResponse (JSON with a Resources array)';
const RESOURCE_ANSWER = 'a SCIM resource (a JSON object)';
/** Records asked for per page; a server may answer fewer (RFC 7644 §3.4.2.4: its maxResults). */
const PAGE_SIZE = 100;

/** RFC 7644 §3.12: {"schemas":[…Error], "status":"400", "scimType":"invalidValue", "detail":"…"}. */
export function scimFieldErrors(body: unknown): FieldError[] {
  const b = body as { detail?: unknown; scimType?: unknown; schemas?: unknown } | undefined;
  if (!b || typeof b !== 'object' || (b.detail === undefined && b.scimType === undefined)) return [];
  return [{ field: typeof b.scimType === 'string' ? b.scimType : 'scim', message: String(b.detail ?? '') }];
}

/** A SCIM filter string literal: quotes and backslashes escaped (RFC 7644 §3.4.2.2, JSON string rules). */
const literal = (value: string) => JSON.stringify(value);

/**
 * A SCIM 2.0 service provider (RFC 7643/7644), as Entra ID and Okta provision into one: users and
 * groups, paged with startIndex/count, found with filters, created with POST, changed with PATCH
 * when the provider advertises it (else read, changed and replaced with PUT), deactivated with
 * active=false; group membership is kept on the groups.
 */
export class ScimTarget implements Connection {
  readonly type = 'scim' as const;
  readonly entities = ['users', 'groups'] as const;
  readonly can = { list: true };
  readonly wire = { users: SCIM_USER_WIRE, groups: SCIM_GROUP_WIRE };
  readonly label: string;
  readonly identity: string;
  private readonly http: HttpClient;
  /** How requests to it are paced (the documented limit, or the config's rateLimit), to say how long a run takes. */
  get pacing() {
    return this.http.pacing;
  }
  private readonly userName: 'email' | 'externalId';
  /** What the provider says of itself (discovery.ts), read once, with the config's overrides. */
  private discovered: Promise<Discovered> | undefined;
  /** Known once discovery has answered: what readOnly() and the page size go by. */
  private known: Discovered | undefined;
  /** The groups and their members (groups.ts), read once and kept up to date by this connector's own writes. */
  private book: Promise<GroupBook> | undefined;
  /** Without filtering: each resource type's records by attribute value, read at most every few seconds. */
  private scanned = new Map<string, { at: number; resources: Resource[] }>();
  /** Read-and-replace of one group (PUT) one at a time: concurrent copies would drop each other's members. */
  private readonly groupWrites = new KeyedQueue();
  /** User id → email, for the manager attribute (an id on the wire, an email in hrsync). */
  private readonly emails = new Map<string, string | null>();
  /** Email (lower case) → id of the users this connector created in this run: a new manager's id without a lookup. */
  private readonly created = new Map<string, string>();
  /** Writes gathered into /Bulk requests (bulk.ts), when the provider offers it and the config allows. */
  private batcher: Promise<Batcher | undefined> | undefined;
  /** Names each operation of a bulk request (§3.7: unique within it; here within the run). */
  private bulkIds = 0;

  constructor(private readonly settings: ScimSettings) {
    this.label = `scim "${settings.name}"`;
    this.identity = `scim ${endpointOf(settings.baseUrl)}`;
    this.userName = settings.userName ?? 'email';
    this.http = connect({ baseUrl: settings.baseUrl, label: this.label, settings, secrets: () => [settings.token], fieldErrors: scimFieldErrors });
  }

  get name(): string {
    return this.settings.name;
  }

  /** A record's id as a path segment: never one that leaves its collection (see segment). */
  private segment(id: string): string {
    return segment(id, this.label);
  }

  private call(req: HttpRequest): Promise<HttpResponse> {
    return this.http.request({
      ...req,
      headers: { authorization: `Bearer ${this.settings.token}`, accept: 'application/scim+json, application/json', ...(req.body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...req.headers },
    });
  }

  private async resources(path: string): Promise<{ resources: Resource[]; total: number | undefined }> {
    const res = await this.call({ method: 'GET', path, endpoint: path.split('?')[0]! });
    // RFC 7644 §3.4.2: Resources may be left out of a list of none (totalResults 0), never otherwise.
    const body = jsonObject(res, LIST_ANSWER);
    const { list } = body.totalResults === 0 && body.Resources === undefined ? { list: [] } : arrayIn(res, 'Resources', LIST_ANSWER);
    return { resources: list as Resource[], total: typeof body.totalResults === 'number' ? body.totalResults : undefined };
  }

  private async toCanonical(entity: Entity, resource: Resource, book?: GroupBook): Promise<CanonicalValues> {
    if (entity === 'groups') return fromScimGroup(resource);
    const values = fromScimUser(resource);
    // Membership is the groups' (groups.ts), whatever the user's own `groups` says or leaves out.
    values.groups = typeof values.id === 'string' ? (book ?? (await this.groups())).groupsOf(values.id) : null;
    if (typeof values.id === 'string') this.emails.set(values.id, typeof values.email === 'string' ? values.email : null);
    const manager = (resource[ENTERPRISE] as { manager?: { value?: unknown } } | undefined)?.manager?.value;
    values.managerEmail = typeof manager === 'string' && manager ? await this.emailOf(manager) : null;
    return values;
  }

  /** A user's email by id: from users already read, else one lookup, remembered. */
  private async emailOf(id: string): Promise<string | null> {
    if (!this.emails.has(id)) {
      const res = await this.call({ method: 'GET', path: `Users/${this.segment(id)}`, endpoint: 'Users', accept: [404] });
      this.emails.set(id, res.status === 404 ? null : (fromScimUser(jsonObject(res, RESOURCE_ANSWER) as Resource).email as string | null));
    }
    return this.emails.get(id) ?? null;
  }

  /**
   * Pages with startIndex (1-based) and count, moving on by what was received — a provider may
   * answer fewer than asked (its maxResults) — until an empty page or totalResults is reached.
   */
  async *list(entity: Entity, query: ListQuery = {}): AsyncIterable<CanonicalValues[]> {
    if (entity !== 'users' && entity !== 'groups') return;
    const since = query.since === undefined ? undefined : Date.parse(query.since);
    const filters = Object.entries(query.filter ?? {});
    // A list of users is read after the groups: who is in which comes from them.
    const book = entity === 'users' ? await this.groups(true, query.onNotice) : undefined;
    for await (const resources of this.pages(entity, query.onNotice)) {
      const rows: CanonicalValues[] = [];
      for (const resource of resources) {
        const modified = Date.parse(String((resource.meta as { lastModified?: unknown } | undefined)?.lastModified ?? ''));
        if (since !== undefined && !(modified >= since)) continue;
        const row = await this.toCanonical(entity, resource, book);
        if (filters.every(([f, vs]) => vs.includes(String(row[f] ?? '')))) rows.push(row);
      }
      if (rows.length) yield rows;
    }
  }

  /**
   * Every resource of a type, a page at a time: startIndex (1-based) and count, moving on by what was
   * received — a provider may answer fewer than asked (its maxResults) — until an empty page or
   * totalResults; guarded (paging.ts), every page's totalResults included. With a totalResults, the
   * pages after the first are read ahead (ReadAhead). Groups come without their members
   * (excludedAttributes, §3.4.2.5).
   */
  private async *pages(entity: 'users' | 'groups', onNotice?: (message: string) => void): AsyncIterable<Resource[]> {
    const known = await this.discovery();
    const size = Math.min(this.settings.pageSize ?? PAGE_SIZE, known.maxResults ?? Infinity);
    const guard = new PageGuard(this.label, entity === 'users' ? 'User' : 'Group', onNotice, this.settings);
    const without = entity === 'groups' ? '&excludedAttributes=members' : '';
    const pages = new ReadAhead((start) => this.resources(`${PATH[entity]}?startIndex=${start}&count=${size}${without}`), readAheadOf(this.settings));
    for (let start = 1; ; ) {
      const { resources: page, total } = await pages.get(start);
      guard.expect(total);
      if (page.length === 0) break;
      const fresh = guard.page(page, (r) => (typeof r.id === 'string' ? r.id : undefined));
      if (start === 1 && total !== undefined) pages.plan(1 + page.length, page.length, 1 + total);
      start += page.length;
      if (fresh.length) yield fresh;
      if (guard.complete) break;
    }
    guard.finish();
  }

  /** The groups and their members, read once (again when `fresh`), kept up to date by this connector's writes. */
  private groups(fresh = false, onNotice?: (message: string) => void): Promise<GroupBook> {
    if (fresh || !this.book)
      this.book = GroupBook.read({
        groups: () => this.pages('groups', onNotice),
        members: async (id) => {
          const group = await this.get('groups', id, 'members');
          return Array.isArray(group?.members) ? (group.members as Array<{ value?: unknown }>).map((m) => String(m.value ?? '')) : [];
        },
      });
    return this.book;
  }

  /** Discovery (discovery.ts), once per run, with the config's overrides. */
  private discovery(): Promise<Discovered> {
    this.discovered ??= discover((path) => this.call({ method: 'GET', path, endpoint: path, accept: [400, 403, 404, 405, 501] })).then((found) => {
      const patch = this.settings.patch === 'never' ? false : this.settings.patch === 'always' ? true : found.patch;
      const filter = this.settings.filter === 'never' ? false : found.filter;
      this.known = { ...found, patch, filter };
      return this.known;
    });
    return this.discovered;
  }

  async count(entity: Entity, query: ListQuery = {}): Promise<number | undefined> {
    if ((entity !== 'users' && entity !== 'groups') || query.since || Object.keys(query.filter ?? {}).length) return undefined;
    return (await this.resources(`${PATH[entity]}?startIndex=1&count=0${entity === 'groups' ? '&excludedAttributes=members' : ''}`)).total;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** Whether changes go as PATCH (discovery, or the config's patch). */
  private async usePatch(): Promise<boolean> {
    return (await this.discovery()).patch;
  }

  /**
   * The resource whose attribute has this value: a filter (`attribute eq "value"`) where the provider
   * filters, else its list, read and matched here — at most once every few seconds, however many lookups.
   */
  private async find(entity: 'users' | 'groups', attribute: string, value: string): Promise<Resource | undefined> {
    if ((await this.discovery()).filter) {
      const { resources } = await this.resources(`${PATH[entity]}?filter=${encodeURIComponent(`${attribute} eq ${literal(value)}`)}&startIndex=1&count=2${entity === 'groups' ? '&excludedAttributes=members' : ''}`);
      return resources[0];
    }
    const matches = (r: Resource) => attributeValues(r, attribute).some((v) => v.toLowerCase() === value.toLowerCase());
    let scan = this.scanned.get(entity);
    let hit = scan?.resources.find(matches);
    if (!hit && (!scan || Date.now() - scan.at > RESCAN_MS)) {
      const resources: Resource[] = [];
      for await (const page of this.pages(entity)) resources.push(...page);
      this.scanned.set(entity, (scan = { at: Date.now(), resources }));
      hit = resources.find(matches);
    }
    return hit;
  }

  private async get(entity: 'users' | 'groups', id: string, attributes?: string): Promise<Resource | undefined> {
    const res = await this.call({ method: 'GET', path: `${PATH[entity]}/${this.segment(id)}${attributes ? `?attributes=${attributes}` : ''}`, endpoint: PATH[entity], accept: [404] });
    return res.status === 404 ? undefined : (jsonObject(res, RESOURCE_ANSWER) as Resource);
  }

  private async lookupResource(entity: Entity, key: MatchKey): Promise<Resource | undefined> {
    if (entity === 'groups') {
      if (key.field === 'id') return this.get('groups', key.value, 'id,displayName');
      return key.field === 'label' ? this.find('groups', 'displayName', key.value) : undefined;
    }
    if (entity !== 'users') return undefined;
    if (key.field === 'id') return this.get('users', key.value);
    if (key.field === 'externalId') return this.find('users', 'externalId', key.value);
    if (key.field === 'email') return this.find('users', this.userName === 'email' ? 'userName' : 'emails.value', key.value);
    return undefined;
  }

  /** The manager's id, by email; a manager who is not (yet) a user fails the row, saying so. */
  private async managerId(values: CanonicalValues): Promise<string | null | undefined> {
    if (!('managerEmail' in values)) return undefined;
    const email = values.managerEmail;
    if (typeof email !== 'string' || !email) return null;
    const made = this.created.get(email.toLowerCase());
    if (made) return made;
    const manager = await this.lookupResource('users', { field: 'email', value: email });
    if (!manager) throw this.rejected('managerEmail', `the manager ${email} is not a user of ${this.label} (yet): create the manager first, then run again`);
    return String(manager.id);
  }

  private rejected(field: string, message: string): RemoteError {
    return new RemoteError('validation', `${this.label}: ${message}`, undefined, [{ field, message }]);
  }

  /** Sends a changed resource: PATCH with the attributes that differ when the provider takes it, else PUT. */
  private async change(entity: 'users' | 'groups', current: Resource, next: Resource): Promise<void> {
    const write = await this.changeOf(entity, current, next);
    if (write) await this.call({ method: write.method, path: write.path.slice(1), endpoint: PATH[entity], body: write.data });
  }

  /** The write that turns `current` into `next` (a path under the SCIM root): none when nothing differs. */
  private async changeOf(entity: 'users' | 'groups', current: Resource, next: Resource): Promise<BulkOperation | undefined> {
    const path = `/${PATH[entity]}/${this.segment(String(current.id))}`;
    if (!(await this.usePatch())) return { method: 'PUT', path, bulkId: this.bulkId(), data: withoutReadOnly(next, this.known?.readOnly) };
    const operations = patchOperations(current, next, this.known?.readOnly);
    return operations.length ? { method: 'PATCH', path, bulkId: this.bulkId(), data: { schemas: [PATCH_OP], Operations: operations } } : undefined;
  }

  private bulkId(): string {
    return `b${++this.bulkIds}`;
  }

  private async groupId(label: string): Promise<string> {
    const id = (await this.groups()).idOf(label) ?? (await this.groups(true)).idOf(label);
    if (!id) throw this.rejected('groups', `there is no group "${label}" on ${this.label}`);
    return id;
  }

  /** Adds the user to, or removes it from, one group: PATCH on the group when the provider takes it, else GET and PUT. */
  private async membership(groupId: string, userId: string, add: boolean): Promise<void> {
    const path = `Groups/${this.segment(groupId)}`;
    if (await this.usePatch()) {
      await this.call({ method: 'PATCH', path, endpoint: 'Groups', body: this.membershipOf(groupId, userId, add).data });
      this.noteMembership(groupId, userId, add);
      return;
    }
    await this.groupWrites.run(groupId, async () => {
      const group = await this.get('groups', groupId);
      if (!group) throw this.rejected('groups', `group ${groupId} no longer exists on ${this.label}`);
      // A member keeps its type (RFC 7643 §4.2: "User" or "Group"): a nested group must stay a group;
      // display is the provider's (read only), never sent back.
      const members = ((group.members as Array<{ value?: unknown; type?: unknown }> | undefined) ?? []).filter((m) => m.value !== userId).map((m) => ({ value: m.value, ...(m.type !== undefined ? { type: m.type } : {}) }));
      const next = { ...group, members: add ? [...members, { value: userId, type: 'User' }] : members };
      delete (next as Resource).meta;
      await this.call({ method: 'PUT', path, endpoint: 'Groups', body: next });
    });
    this.noteMembership(groupId, userId, add);
  }

  /** A membership change as a PATCH of the group (the user by id, or by "bulkId:" in a bulk request). */
  private membershipOf(groupId: string, userId: string, add: boolean): BulkOperation {
    const operation = add ? { op: 'add', path: 'members', value: [{ value: userId }] } : { op: 'remove', path: `members[value eq ${literal(userId)}]` };
    return { method: 'PATCH', path: `/Groups/${this.segment(groupId)}`, bulkId: this.bulkId(), data: { schemas: [PATCH_OP], Operations: [operation] } };
  }

  /** The book follows this connector's own membership writes. */
  private noteMembership(groupId: string, userId: string, add: boolean): void {
    void this.book?.then((book) => (add ? book.joined(groupId, userId) : book.left(groupId, userId)));
  }

  /**
   * Makes the user a member of exactly these groups (by name), compared by group id: of two groups whose
   * names differ only by case, the user stays in the one named exactly and leaves the other.
   */
  private async setGroups(userId: string, wanted: readonly string[], current: readonly string[]): Promise<void> {
    for (const { groupId, add } of await this.groupChanges(wanted, current)) await this.membership(groupId, userId, add);
  }

  /** The groups (by id) to join and to leave for membership of exactly these (by name). */
  private async groupChanges(wanted: readonly string[], current: readonly string[]): Promise<Array<{ groupId: string; add: boolean }>> {
    const want = new Set<string>();
    for (const label of wanted) want.add(await this.groupId(label));
    const have = new Set(current);
    return [...[...want].filter((id) => !have.has(id)).map((groupId) => ({ groupId, add: true })), ...[...have].filter((id) => !want.has(id)).map((groupId) => ({ groupId, add: false }))];
  }

  /** Reads what a user write needs (the manager's id, the current resource) and makes the resource to send. */
  private async userWrite(op: WriteOp): Promise<UserWrite> {
    const values: CanonicalValues = op.action === 'deactivate' ? { status: 'inactive' } : { ...op.values };
    delete values.id;
    const groups = 'groups' in values ? ((values.groups as string[] | null) ?? []) : undefined;
    delete values.groups;
    const { enterprise } = await this.discovery();
    const shape = { userName: this.userName, names: this.settings.displayName ?? 'derive', enterprise, ...(enterprise && 'managerEmail' in values ? { managerId: await this.managerId(values) } : {}) };
    if (op.action === 'create') {
      const userName = values[this.userName];
      if (typeof userName !== 'string' || !userName) throw this.rejected(this.userName, `userName comes from ${this.userName}, which this row has no value for`);
      return { groups, body: toScimUser(values, { schemas: [CORE_USER] }, shape) };
    }
    const current = await this.get('users', op.id!);
    if (!current) throw new RemoteError('not_found', `${this.label}: user ${op.id} no longer exists`, 404);
    return { groups, current, next: toScimUser(values, current, shape) };
  }

  /** A user created: its reports (later in the run) find it by email without a lookup. */
  private madeUser(op: WriteOp, id: string): void {
    const email = op.values?.email;
    if (id && typeof email === 'string' && email) this.created.set(email.toLowerCase(), id);
  }

  private async writeUser(op: WriteOp): Promise<{ id: string }> {
    const user = await this.userWrite(op);
    if (user.body) {
      const res = await this.call({ method: 'POST', path: 'Users', endpoint: 'Users', body: user.body });
      const id = String(writeAnswer(res, RESOURCE_ANSWER)?.id ?? '');
      this.madeUser(op, id);
      if (user.groups?.length) await this.setGroups(id, user.groups, []);
      return { id };
    }
    await this.change('users', user.current!, user.next!);
    if (user.groups) await this.setGroups(op.id!, user.groups, (await this.groups()).groupIdsOf(op.id!));
    return { id: op.id! };
  }

  private async writeGroup(op: WriteOp): Promise<{ id: string }> {
    const label = op.values?.label;
    if (op.action === 'create') {
      const res = await this.call({ method: 'POST', path: 'Groups', endpoint: 'Groups', body: { schemas: [CORE_GROUP], displayName: label } });
      const id = String(writeAnswer(res, RESOURCE_ANSWER)?.id ?? '');
      if (id && typeof label === 'string') void this.book?.then((book) => book.named(label, id));
      return { id };
    }
    await this.groupWrites.run(op.id!, async () => {
      const current = await this.get('groups', op.id!);
      if (!current) throw new RemoteError('not_found', `${this.label}: group ${op.id} no longer exists`, 404);
      const next: Resource = { ...current, ...(typeof label === 'string' ? { displayName: label } : {}) };
      delete next.meta;
      await this.change('groups', current, next);
    });
    if (typeof label === 'string') void this.book?.then((book) => book.named(label, op.id!));
    return { id: op.id! };
  }

  readonly writer: TargetWriter = {
    matchKeys: (entity) => (entity === 'groups' ? ['id', 'label'] : ['externalId', 'email', 'id']),
    // A manager is a user id on the wire: a new manager must exist before the reports naming them.
    writtenAfter: (entity) => (entity === 'users' ? [{ field: 'managerEmail', key: 'email', byId: true }] : []),
    // Fields the provider does not hold (discovery: no enterprise extension, an attribute its User
    // schema lacks) are never diffed nor sent: a write could not store them, and every run would try again.
    readOnly: (entity) => (entity === 'users' && this.known ? unsupportedFields(this.known) : []),
    deactivation: (entity) => (entity === 'users' ? { field: 'status', value: 'inactive', active: 'active' } : undefined),
    settleMs: () => 2 * (this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    canDelete: () => true,
    lookup: async (entity, key) => {
      const resource = await this.lookupResource(entity, key);
      return resource ? this.toCanonical(entity, resource) : undefined;
    },
    writesPerRequest: async () => Math.min((await this.bulkWrites())?.maxOperations ?? 1, MAX_BULK_OPERATIONS),
    write: async (op) => {
      if (op.entity !== 'users' && op.entity !== 'groups') throw new RemoteError('unexpected', `${this.label} holds users and groups, not ${op.entity}`, undefined);
      if (op.entity === 'groups' && op.action === 'deactivate') throw new RemoteError('unexpected', `${this.label}: groups have no inactive state`, undefined);
      const batcher = await this.bulkBatcher();
      // A group replaced with PUT is read and replaced one at a time (groupWrites): never in a bulk.
      if (batcher && !(op.entity === 'groups' && op.action === 'update' && !(await this.usePatch()))) return batcher.submit(() => this.bulkRow(batcher, op));
      return this.writeOne(op);
    },
  };

  /** One write, in requests of its own. */
  private writeOne(op: WriteOp): Promise<{ id: string }> {
    if (op.action === 'delete') return this.remove(op);
    return op.entity === 'groups' ? this.writeGroup(op) : this.writeUser(op);
  }

  private async remove(op: WriteOp): Promise<{ id: string }> {
    const entity = op.entity as 'users' | 'groups';
    // Idempotent: a delete whose answer was lost and is sent again finds nothing, which is done.
    await this.call({ method: 'DELETE', path: `${PATH[entity]}/${this.segment(op.id!)}`, endpoint: PATH[entity], accept: [404] });
    this.removed(op);
    return { id: op.id! };
  }

  private removed(op: WriteOp): void {
    if (op.entity === 'groups') void this.book?.then((book) => book.removed(op.id!));
  }

  /** The provider's bulk limits, when it offers /Bulk and the config allows it. */
  private async bulkWrites(): Promise<Discovered['bulk']> {
    return this.settings.bulk === 'never' ? undefined : (await this.discovery()).bulk;
  }

  private bulkBatcher(): Promise<Batcher | undefined> {
    this.batcher ??= this.bulkWrites().then(
      (limits) =>
        limits &&
        new Batcher({
          label: this.label,
          limits: { ...limits, maxOperations: Math.min(limits.maxOperations, MAX_BULK_OPERATIONS) },
          send: (body) => this.call({ method: 'POST', path: 'Bulk', endpoint: 'Bulk', body, accept: [413, ...REFUSED] }),
          preparing: this.settings.concurrency ?? 8,
          fieldErrors: scimFieldErrors,
          secrets: () => [this.settings.token],
        }),
    );
    return this.batcher;
  }

  /**
   * One write as operations of a bulk request (bulk.ts), read back from their answers: a create's id
   * from its location; a new user joins its groups by "bulkId:" reference in the same request (PATCH
   * on each group), or after it, one group at a time, where groups are replaced with PUT.
   */
  private async bulkRow(batcher: Batcher, op: WriteOp): Promise<BulkRow<{ id: string }>> {
    const entity = op.entity as 'users' | 'groups';
    const alone = () => this.writeOne(op);
    if (op.action === 'delete') {
      const del: BulkOperation = { method: 'DELETE', path: `/${PATH[entity]}/${this.segment(op.id!)}`, bulkId: this.bulkId() };
      const settle = async ([answer]: ReadonlyArray<BulkAnswer | undefined>) => {
        if (answer && NOT_PERFORMED.has(answer.status)) return alone();
        if (!answer || !(succeeded(answer) || answer.status === 404)) throw batcher.failure(del, answer);
        this.removed(op);
        return { id: op.id! };
      };
      return { operations: [del], settle, alone, idempotent: true };
    }
    if (entity === 'groups') return this.groupRow(batcher, op, alone);
    return this.userRow(batcher, op, alone);
  }

  private async groupRow(batcher: Batcher, op: WriteOp, alone: () => Promise<{ id: string }>): Promise<BulkRow<{ id: string }>> {
    const label = op.values?.label;
    let write: BulkOperation | undefined;
    if (op.action === 'create') write = { method: 'POST', path: '/Groups', bulkId: this.bulkId(), data: { schemas: [CORE_GROUP], displayName: label } };
    else {
      const current = await this.get('groups', op.id!, 'id,displayName');
      if (!current) throw new RemoteError('not_found', `${this.label}: group ${op.id} no longer exists`, 404);
      write = await this.changeOf('groups', current, { ...current, ...(typeof label === 'string' ? { displayName: label } : {}) });
    }
    const settle = async ([answer]: ReadonlyArray<BulkAnswer | undefined>) => {
      if (write && answer && NOT_PERFORMED.has(answer.status)) return alone();
      if (write && (!answer || !succeeded(answer))) throw batcher.failure(write, answer);
      const id = op.action === 'create' ? createdId(answer!) : op.id!;
      if (id && typeof label === 'string') void this.book?.then((book) => book.named(label, id));
      return { id };
    };
    return { operations: write ? [write] : [], settle, alone, idempotent: write?.method === 'PUT' };
  }

  private async userRow(batcher: Batcher, op: WriteOp, alone: () => Promise<{ id: string }>): Promise<BulkRow<{ id: string }>> {
    const user = await this.userWrite(op);
    const write: BulkOperation | undefined = user.body ? { method: 'POST', path: '/Users', bulkId: this.bulkId(), data: user.body } : await this.changeOf('users', user.current!, user.next!);
    const patch = await this.usePatch();
    const joins = patch && user.groups ? await this.groupChanges(user.groups, user.body ? [] : (await this.groups()).groupIdsOf(op.id!)) : [];
    const self = user.body ? `bulkId:${write!.bulkId}` : op.id!;
    const memberships = joins.map((j) => ({ ...j, write: this.membershipOf(j.groupId, self, j.add) }));
    const settle = async (answers: ReadonlyArray<BulkAnswer | undefined>) => {
      const [main, ...rest] = write ? answers : [undefined, ...answers];
      const id = user.body ? (main && succeeded(main) ? createdId(main) : '') : op.id!;
      // What took is noted first: a write sent again alone then sends only what did not.
      if (id) for (const [i, m] of memberships.entries()) if (rest[i] && succeeded(rest[i])) this.noteMembership(m.groupId, id, m.add);
      if (write && main && NOT_PERFORMED.has(main.status)) return alone();
      if (write && (!main || !succeeded(main))) throw batcher.failure(write, main);
      if (!id) return { id }; // a create answered without its id: apply looks it up
      if (user.body) this.madeUser(op, id);
      // A membership that did not take is sent again alone: if it fails again, that is the write's failure, as alone.
      for (const [i, m] of memberships.entries()) if (!(rest[i] && succeeded(rest[i]))) await this.membership(m.groupId, id, m.add);
      if (!patch && user.groups) await this.setGroups(id, user.groups, user.body ? [] : (await this.groups()).groupIdsOf(id));
      return { id };
    };
    const operations = [...(write ? [write] : []), ...memberships.map((m) => m.write)];
    return { operations, settle, alone, idempotent: operations.every((o) => o.method === 'PUT') };
  }
}

const succeeded = (answer: BulkAnswer): boolean => answer.status >= 200 && answer.status < 300;

/** A created resource's id: the answer's resource, else the last segment of its location. */
function createdId(answer: BulkAnswer): string {
  const id = (answer.response as { id?: unknown } | undefined)?.id;
  if (typeof id === 'string' && id) return id;
  const last = answer.location?.replace(/\/+$/, '').split('/').pop();
  return last ? decodeURIComponent(last) : '';
}

/** How long a list read to match lookups without filtering is used before it is read again. */
const RESCAN_MS = 2_000;

/** The values of an attribute path on a resource ("userName", "externalId", "emails.value", "displayName"), as text. */
function attributeValues(resource: Resource, path: string): string[] {
  const [top, sub] = path.split('.');
  const value = resource[top!];
  const items = Array.isArray(value) ? value : [value];
  return items.map((v) => (sub && v && typeof v === 'object' ? (v as Record<string, unknown>)[sub] : v)).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
}

/** Canonical user fields whose SCIM attribute the provider does not offer (discovery.ts). */
function unsupportedFields(known: Discovered): string[] {
  const out: string[] = [];
  for (const [field, wire] of Object.entries(SCIM_USER_WIRE)) {
    if (field === 'id' || field === 'externalId' || field === 'groups') continue; // common attributes, and membership (the groups')
    if (wire.startsWith(`${ENTERPRISE}:`)) {
      if (!known.enterprise) out.push(field);
      continue;
    }
    if (known.userAttributes && !known.userAttributes.has(wire.split('.')[0]!.toLowerCase())) out.push(field);
  }
  return out;
}

/** A resource for PUT: what the provider computes (readOnly in its schema, and meta, groups) left out. */
function withoutReadOnly(resource: Resource, readOnly: ReadonlySet<string> = new Set(['meta', 'groups'])): Resource {
  return Object.fromEntries(Object.entries(resource).filter(([key]) => key === 'id' || key === 'schemas' || !readOnly.has(key.toLowerCase())));
}
