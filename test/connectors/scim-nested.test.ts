import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { ScimTarget } from '../../src/connectors/scim/target.js';

const ORIGIN = 'https://idp.example.com';
const JSON_TYPE = { 'content-type': 'application/scim+json' };
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * A provider without PATCH whose group "Staff" holds a user and a nested group (RFC 7643 §4.2: a
 * member's `type` is "User" or "Group"). Adding a user reads the group and replaces it (PUT): the
 * nested group must stay a group, its `type` kept.
 */
describe('SCIM membership by read and replace (no PATCH)', () => {
  it('keeps a nested group’s type when a user is added to its parent', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(ORIGIN);
    const staff = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Staff', members: [{ value: 'u1', type: 'User' }, { value: 'g2', type: 'Group', display: 'Managers' }], meta: { resourceType: 'Group' } };
    for (const doc of ['ServiceProviderConfig', 'ResourceTypes', 'Schemas']) pool.intercept({ path: `/scim/v2/${doc}`, method: 'GET' }).reply(404, {}, { headers: JSON_TYPE });
    pool.intercept({ path: (p) => p.startsWith('/scim/v2/Groups?'), method: 'GET' }).reply(200, { schemas: [LIST], totalResults: 1, Resources: [{ id: 'g1', displayName: 'Staff' }] }, { headers: JSON_TYPE }).persist();
    pool.intercept({ path: (p) => p.startsWith('/scim/v2/Groups/g1'), method: 'GET' }).reply(200, staff, { headers: JSON_TYPE }).persist();
    pool.intercept({ path: '/scim/v2/Users/u3', method: 'GET' }).reply(200, { id: 'u3', userName: 'u3@example.com', active: true }, { headers: JSON_TYPE }).persist();
    pool.intercept({ path: '/scim/v2/Users/u3', method: 'PUT' }).reply(200, { id: 'u3' }, { headers: JSON_TYPE });
    let sent: { members?: unknown[] } | undefined;
    pool.intercept({ path: '/scim/v2/Groups/g1', method: 'PUT' }).reply((opts) => {
      sent = JSON.parse(String(opts.body)) as { members?: unknown[] };
      return { statusCode: 200, data: { ...staff, ...sent }, responseOptions: { headers: JSON_TYPE } };
    });
    const target = new ScimTarget({ name: 'idp', baseUrl: `${ORIGIN}/scim/v2`, token: 'nested-token-1', dispatcher: agent });
    try {
      await target.writer.write({ action: 'update', entity: 'users', id: 'u3', values: { groups: ['Staff'] } });
      expect(sent?.members).toEqual([{ value: 'u1', type: 'User' }, { value: 'g2', type: 'Group' }, { value: 'u3', type: 'User' }]);
    } finally {
      await target.close();
    }
  });
});
