/* eslint-disable @typescript-eslint/no-explicit-any -- scimmy's handler types are loose by design */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

/**
 * A real SCIM 2.0 service provider that no one on the team wrote: scimmy (protocol, schemas, PATCH,
 * paging) behind scimmy-routers (the HTTP routes), on 127.0.0.1 with an in-memory store. What this
 * file adds is what scimmy leaves to its users — the storage handlers — and where its handlers must
 * do the RFC's work themselves, that work: matching filters (case-insensitively for the attributes
 * RFC 7643 says are not case-exact; scimmy's Filter.match is always case-sensitive and does not
 * resolve extension paths), an empty page past the end (scimmy answers the first page),
 * itemsPerPage as the count returned (scimmy echoes the count asked), a group's members once each
 * (scimmy's PATCH add appends a member already there), and a user's `groups` — read-only,
 * so storage's to give — computed from the groups' members, or left out (`userGroups: false`) as a
 * provider may. Every other answer is scimmy's.
 */
const BASE = '/scim/v2';
const SCIMError = (SCIMMY.Types as any).Error;
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const plain = (v: unknown): any => JSON.parse(JSON.stringify(v));

export interface ScimStore {
  users: Map<string, any>;
  groups: Map<string, any>;
}

const CASE_EXACT = new Set(['id', 'externalid', 'meta', '$ref', 'password']);
const COMPARATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le', 'pr', 'np'];

function fold(v: any, key = ''): any {
  if (CASE_EXACT.has(key.toLowerCase())) return v;
  if (typeof v === 'string') return v.toLowerCase();
  if (Array.isArray(v)) return v.map((x) => fold(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fold(x, k)]));
  return v;
}

function foldFilter(node: any, key = ''): any {
  if (CASE_EXACT.has(key.toLowerCase())) return node;
  if (Array.isArray(node)) {
    if (node.every((e) => e !== null && typeof e === 'object')) return node.map((e) => foldFilter(e, key));
    const i = node.length - 1;
    return i >= 1 && typeof node[i] === 'string' && COMPARATORS.includes(String(node[i - 1]).toLowerCase()) ? [...node.slice(0, i), node[i].toLowerCase()] : node;
  }
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, foldFilter(v, k)]));
  return node;
}

function shadowOf(item: any): any {
  const s = fold(item);
  for (const [k, v] of Object.entries(s))
    if (k.startsWith('urn:') && v && typeof v === 'object' && !Array.isArray(v)) for (const [sub, sv] of Object.entries(v)) s[`${k}:${sub}`] = sv;
  return s;
}

function listResult(resource: any, items: any[]): any[] {
  let matched = items;
  if (resource.filter) {
    const filter = new (SCIMMY.Types as any).Filter(foldFilter(plain([...resource.filter])));
    const back = new Map(items.map((it) => [shadowOf(it), it]));
    matched = filter.match([...back.keys()]).map((s: any) => back.get(s));
  }
  if (resource.constraints?.startIndex > matched.length) {
    resource.constraints.totalResults = matched.length;
    return [];
  }
  return matched;
}

const notFound = (id: string) => new SCIMError(404, null, `Resource ${id} not found`);

/**
 * A user as answered. With `userGroups` (the default) it carries `groups`, computed from the groups'
 * members as RFC 7643 §4.1.2 describes; without, it has none, as a provider may answer: the attribute
 * is optional and read-only, and membership is then only on /Groups.
 */
function userOut(store: ScimStore, u: any, userGroups: boolean): any {
  if (!userGroups) return structuredClone(u);
  const groups = [...store.groups.values()].filter((g) => (g.members ?? []).some((m: any) => m.value === u.id)).map((g) => ({ value: g.id, display: g.displayName, type: 'direct' }));
  return { ...structuredClone(u), ...(groups.length ? { groups } : {}) };
}

function groupOut(store: ScimStore, g: any): any {
  const out = structuredClone(g);
  if (out.members) out.members = out.members.map((m: any) => ({ value: m.value, display: store.users.get(m.value)?.userName ?? m.display, type: 'User' }));
  return out;
}

function stamp(existing: any, data: any): any {
  const now = new Date().toISOString();
  return existing ? { ...data, id: existing.id, meta: { ...existing.meta, lastModified: now } } : { ...data, id: randomUUID(), meta: { created: now, lastModified: now } };
}

/** What each request's handlers are given: the server's store, and whether users carry `groups`. */
interface Context {
  store: ScimStore;
  userGroups: boolean;
}

let declared = false;
function declareResources(): void {
  if (declared) return;
  (SCIMMY.Resources as any).declare(SCIMMY.Resources.User, {
    extensions: [{ schema: SCIMMY.Schemas.EnterpriseUser, required: false }],
    egress: async (resource: any, { store, userGroups }: Context) => {
      if (resource.id) {
        const u = store.users.get(resource.id);
        if (!u) throw notFound(resource.id);
        return userOut(store, u, userGroups);
      }
      return listResult(resource, [...store.users.values()].map((u) => userOut(store, u, userGroups)));
    },
    ingress: async (resource: any, instance: any, { store, userGroups }: Context) => {
      const data = plain(instance);
      const key = String(data.userName ?? '').toLowerCase();
      for (const [id, u] of store.users) if (id !== resource.id && u.userName.toLowerCase() === key) throw new SCIMError(409, 'uniqueness', `userName '${data.userName}' is already in use`);
      const existing = resource.id ? store.users.get(resource.id) : undefined;
      if (resource.id && !existing) throw notFound(resource.id);
      const record = stamp(existing, data);
      store.users.set(record.id, record);
      return userOut(store, record, userGroups);
    },
    degress: async (resource: any, { store }: { store: ScimStore }) => {
      if (!store.users.delete(resource.id)) throw notFound(resource.id);
      for (const g of store.groups.values()) if (g.members) g.members = g.members.filter((m: any) => m.value !== resource.id);
    },
  });
  (SCIMMY.Resources as any).declare(SCIMMY.Resources.Group, {
    egress: async (resource: any, { store }: { store: ScimStore }) => {
      if (resource.id) {
        const g = store.groups.get(resource.id);
        if (!g) throw notFound(resource.id);
        return groupOut(store, g);
      }
      return listResult(resource, [...store.groups.values()].map((g) => groupOut(store, g)));
    },
    ingress: async (resource: any, instance: any, { store }: { store: ScimStore }) => {
      const data = plain(instance);
      for (const m of data.members ?? []) if (!store.users.has(m.value)) throw new SCIMError(400, 'invalidValue', `Group member '${m.value}' is not a known User id`);
      // Once each: scimmy's PATCH add appends a member already there, where RFC 7644 §3.5.2.1 says an
      // add of a value the attribute already contains changes nothing.
      if (data.members) data.members = [...new Set(data.members.map(({ value }: any) => value))].map((value) => ({ value }));
      const existing = resource.id ? store.groups.get(resource.id) : undefined;
      if (resource.id && !existing) throw notFound(resource.id);
      const record = stamp(existing, data);
      store.groups.set(record.id, record);
      return groupOut(store, record);
    },
    degress: async (resource: any, { store }: { store: ScimStore }) => {
      if (!store.groups.delete(resource.id)) throw notFound(resource.id);
    },
  });
  declared = true;
}

export interface ScimServer {
  /** The SCIM root a client configures: http://127.0.0.1:PORT/scim/v2. */
  url: string;
  store: ScimStore;
  stop(): Promise<void>;
}

/**
 * Starts scimmy on 127.0.0.1, accepting `Bearer <token>` only. With `patch: false` it advertises no
 * PATCH in /ServiceProviderConfig and refuses one with 501. With `userGroups: false` users carry no
 * `groups` attribute (membership is on /Groups only). scimmy's configuration is process-global: two
 * servers with different `patch` must not serve at the same time.
 */
export async function startScimServer({ token, patch = true, userGroups = true }: { token: string; patch?: boolean; userGroups?: boolean }): Promise<ScimServer> {
  declareResources();
  const store: ScimStore = { users: new Map(), groups: new Map() };
  (SCIMMY.Config as any).set({ authenticationSchemes: [] });
  const router = new SCIMMYRouters({
    type: 'bearer',
    handler: (req) => {
      if (req.get('Authorization') !== `Bearer ${token}`) {
        req.res?.set('WWW-Authenticate', 'Bearer realm="scim"');
        throw new Error('Invalid or missing bearer token');
      }
      return 'scim-client';
    },
    context: (req) => {
      if (!patch && req.method === 'PATCH') throw new SCIMError(501, null, 'PATCH is not supported by this service provider');
      return { store, userGroups } satisfies Context;
    },
    baseUri: (req) => `${req.protocol}://${req.get('host')}`,
  });
  (SCIMMY.Config as any).set({ patch, etag: false, changePassword: false });

  const app = express();
  app.set('etag', false);
  app.use(BASE, (_req, res, next) => {
    (SCIMMY.Config as any).set({ patch });
    res.setHeader('Content-Type', 'application/scim+json');
    const send = res.json.bind(res);
    res.json = (body: any) => {
      if (body?.schemas?.includes?.(LIST) && Array.isArray(body.Resources)) body.itemsPerPage = body.Resources.length;
      return send(body);
    };
    next();
  });
  app.use(BASE, router as unknown as express.Router);
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.headersSent) return;
    res.status(500).type('application/scim+json').send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500', detail: String((error as Error)?.message ?? error) }));
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${BASE}`,
    store,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
