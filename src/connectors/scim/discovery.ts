import type { HttpResponse } from '../../http/client.js';
import { jsonObject } from '../answer.js';
import { ENTERPRISE } from './wire.js';

/**
 * What a SCIM service provider says of itself (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes
 * and /Schemas, each read once per run. A provider that does not serve one (404, 501, or a JSON that
 * says nothing) leaves the RFC's defaults in place; the config can override what discovery says.
 */
export interface Discovered {
  /** PATCH is offered (§3.5.2): changes are sent as operations; else the resource is replaced (PUT). */
  patch: boolean;
  /** Filtering is offered (§3.4.2.2): lookups by key are filters; else the list is read and matched here. */
  filter: boolean;
  /** The most resources one list answer holds (§5: filter.maxResults), when the provider says. */
  maxResults: number | undefined;
  /** The enterprise User extension is offered (a User's schemaExtensions, or a schema of that id). */
  enterprise: boolean;
  /** Users carry `groups` (optional, read only: RFC 7643 §4.1.2), when /Schemas says so; undefined when it says nothing. */
  userGroups: boolean | undefined;
  /** Top-level attributes of the User schema (lower case), when /Schemas lists them. */
  userAttributes: ReadonlySet<string> | undefined;
  /** Attributes the provider computes (mutability readOnly), never sent back: top-level, lower case. */
  readOnly: ReadonlySet<string>;
  /** Bulk is offered (§3.7), within these limits; undefined when it is not, or says no maxOperations. */
  bulk: { maxOperations: number; maxPayloadSize: number } | undefined;
}

/** The RFC's defaults: what hrsync assumes of a provider that does not say. */
export const UNDISCOVERED: Discovered = { patch: false, filter: true, maxResults: undefined, enterprise: true, userGroups: undefined, userAttributes: undefined, readOnly: new Set(['groups', 'meta', 'id']), bulk: undefined };

/** A bulk request's largest body when a provider offers bulk without saying [guess: 1 MiB, what providers commonly advertise]. */
const BULK_PAYLOAD = 1_048_576;

type Get = (path: string) => Promise<HttpResponse>;
type Json = Record<string, unknown>;

const served = (res: HttpResponse): boolean => res.status >= 200 && res.status < 300;
/** A ListResponse's resources, or a bare array (some providers answer /Schemas with one). */
const resourcesOf = (res: HttpResponse, what: string): Json[] => {
  if (Array.isArray(res.body)) return res.body.filter((r): r is Json => !!r && typeof r === 'object');
  const list = jsonObject(res, what).Resources;
  return Array.isArray(list) ? list.filter((r): r is Json => !!r && typeof r === 'object') : [];
};

interface SchemaAttribute {
  name?: unknown;
  mutability?: unknown;
}

function fromSchemas(docs: Json[], found: Discovered): void {
  const user = docs.find((d) => d.id === 'urn:ietf:params:scim:schemas:core:2.0:User');
  const attributes = Array.isArray(user?.attributes) ? (user.attributes as SchemaAttribute[]) : undefined;
  if (!attributes) return;
  const names = attributes.map((a) => String(a.name ?? '').toLowerCase()).filter(Boolean);
  found.userAttributes = new Set(names);
  found.userGroups = names.includes('groups');
  found.readOnly = new Set([...UNDISCOVERED.readOnly, ...attributes.filter((a) => a.mutability === 'readOnly').map((a) => String(a.name ?? '').toLowerCase())]);
}

/**
 * Reads the three documents, each once. Asked in order, so that a provider that serves none of them
 * costs three quick answers. What cannot be read leaves the default; a body that is not JSON where
 * JSON was promised stops the run, as any other answer would (answer.ts).
 */
export async function discover(get: Get): Promise<Discovered> {
  const found: Discovered = { ...UNDISCOVERED };
  const config = await get('ServiceProviderConfig');
  if (served(config)) {
    const c = jsonObject(config, 'a SCIM ServiceProviderConfig (JSON)') as { patch?: { supported?: unknown }; filter?: { supported?: unknown; maxResults?: unknown }; bulk?: { supported?: unknown; maxOperations?: unknown; maxPayloadSize?: unknown } };
    found.patch = c.patch?.supported === true;
    if (c.filter?.supported === false) found.filter = false;
    if (typeof c.filter?.maxResults === 'number' && c.filter.maxResults > 0) found.maxResults = c.filter.maxResults;
    const { supported, maxOperations, maxPayloadSize } = c.bulk ?? {};
    if (supported === true && typeof maxOperations === 'number' && maxOperations >= 1)
      found.bulk = { maxOperations: Math.floor(maxOperations), maxPayloadSize: typeof maxPayloadSize === 'number' && maxPayloadSize > 0 ? maxPayloadSize : BULK_PAYLOAD };
  }
  const types = await get('ResourceTypes');
  let extensions: unknown[] | undefined;
  if (served(types)) {
    const user = resourcesOf(types, 'a SCIM ListResponse of ResourceTypes').find((t) => t.name === 'User' || t.id === 'User');
    if (Array.isArray(user?.schemaExtensions)) extensions = (user.schemaExtensions as Array<{ schema?: unknown }>).map((e) => e.schema);
  }
  const schemas = await get('Schemas');
  const docs = served(schemas) ? resourcesOf(schemas, 'a SCIM ListResponse of Schemas') : [];
  fromSchemas(docs, found);
  // The User resource type's extensions say it best; else whether the schema is served at all.
  if (extensions) found.enterprise = extensions.includes(ENTERPRISE);
  else if (docs.length) found.enterprise = docs.some((d) => d.id === ENTERPRISE);
  return found;
}
