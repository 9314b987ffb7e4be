import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { APPENATE_GROUP_WIRE, APPENATE_WIRE, AppenateTarget } from '../../src/connectors/appenate/target.js';
import { SPRINGEST_WIRE, toSpringest } from '../../src/connectors/springest/target.js';
import type { CanonicalValues } from '../../src/core/model/canonical.js';

/**
 * The field names the connectors send, pinned against the names the vendors document. The lists are
 * copied from the seeds (in the team's shared reference: `seeds/`) — a connector that sends a name
 * not listed here is sending a name the vendor never documented, which a lenient server drops without
 * a word (the emulators refuse it).
 */

/** Seed 003 (`003_0db898c2757d6309.txt`, Springest "Mitarbeiterdaten via API importieren"): its field table, as listed. */
const SPRINGEST_DOCUMENTED = [
  'email', 'external_id', 'gender', 'first_name', 'last_name', 'phone_number', 'birthdate', 'birthplace', 'company_name', 'address', 'house_number',
  'zip_code', 'city', 'country', 'active', 'job_title', 'department_name', 'business_unit', 'cost_center', 'cost_center_name', 'approvers', 'tags',
  'employment_start_date', 'employment_end_date',
];
/** Seed 003: an approver's "— email", "— label", "— can_approve". */
const SPRINGEST_APPROVER = ['email', 'label', 'can_approve'];

/**
 * Seed 002 (`002_66cc99d0181136c0.txt`, Appenate "Users API"): the User table (its Email row has lost
 * its name in the copy) and the create options; Country, TimeZone, Type, Metadata, UseNames and
 * UseExternalIds from the brands' POST User pages (platforms.md §2, §5).
 */
const APPENATE_DOCUMENTED = [
  'Id', 'CompanyId', 'ExternalId', 'FirstName', 'LastName', 'Email', 'Status', 'LastActivity', 'Folders', 'Groups', 'WebsiteRole', 'UserDevices',
  'Password', 'DoNotEmail', 'ResetPassword', 'IntegrationKey', 'Country', 'TimeZone', 'Type', 'Metadata', 'UseNames', 'UseExternalIds',
];
/** User groups (`/api/v2/usergroup`: Name, ExternalId, UserIds; platforms.md §5, eFormsMobile KB). */
const APPENATE_GROUP_DOCUMENTED = ['Id', 'Name', 'ExternalId', 'UserIds', 'CompanyId', 'IntegrationKey'];

/** Every field of a wire map given a value of its kind. */
const everything = (wire: Record<string, string>): CanonicalValues =>
  Object.fromEntries(Object.keys(wire).map((f) => [f, f === 'groups' || f === 'tags' ? ['A'] : f === 'approvers' ? [{ email: 'b@c.co', label: 'Manager' }] : f === 'status' ? 'inactive' : 'x']));

describe('the field names the connectors send are the ones the vendors document', () => {
  it('Springest: every field of the import body and of an approver is in seed 003’s table; the end date is employment_end_date', () => {
    const body = toSpringest({ ...everything(SPRINGEST_WIRE), managerEmail: 'm@c.co' });
    expect(Object.keys(body).filter((k) => !SPRINGEST_DOCUMENTED.includes(k))).toEqual([]);
    expect(Object.keys(body)).toHaveLength(SPRINGEST_DOCUMENTED.length); // and every documented field is reachable
    expect((body.approvers as Array<Record<string, unknown>>).flatMap((a) => Object.keys(a)).filter((k) => !SPRINGEST_APPROVER.includes(k))).toEqual([]);
    expect(SPRINGEST_WIRE.endDate).toBe('employment_end_date');
    expect(toSpringest({ endDate: '2026-12-31' })).toEqual({ employment_end_date: '2026-12-31' });
  });

  it('Appenate: every field of a user’s and a group’s create and update body is in seed 002 and the brands’ pages', async () => {
    const bodies: Array<{ path: string; body: Record<string, unknown> }> = [];
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('https://forms.example').intercept({ path: () => true, method: (m) => m === 'POST' || m === 'PUT' }).reply((o) => {
      const body = JSON.parse(String(o.body)) as Record<string, unknown>;
      bodies.push({ path: String(o.path), body });
      return { statusCode: 200, data: { User: { Id: 'u1' }, UserGroup: { Id: 'g1' }, ResponseStatus: {} } };
    }).persist();
    const target = new AppenateTarget({ name: 'forms', baseUrl: 'https://forms.example/api/v2', companyId: '7', integrationKey: 'k', invite: false, userType: 'Standard', dispatcher: agent });
    await target.writer!.write({ action: 'create', entity: 'users', values: everything(APPENATE_WIRE) });
    await target.writer!.write({ action: 'update', entity: 'users', id: 'u1', values: everything(APPENATE_WIRE) });
    await target.writer!.write({ action: 'create', entity: 'groups', values: everything(APPENATE_GROUP_WIRE) });
    await target.writer!.write({ action: 'update', entity: 'groups', id: 'g1', values: everything(APPENATE_GROUP_WIRE) });
    await target.close();
    const [userCreate, userUpdate, groupCreate, groupUpdate] = bodies.map((b) => Object.keys(b.body));
    for (const keys of [userCreate!, userUpdate!]) expect(keys.filter((k) => !APPENATE_DOCUMENTED.includes(k))).toEqual([]);
    for (const keys of [groupCreate!, groupUpdate!]) expect(keys.filter((k) => !APPENATE_GROUP_DOCUMENTED.includes(k))).toEqual([]);
    expect(userCreate).toEqual(expect.arrayContaining(['ExternalId', 'FirstName', 'LastName', 'Email', 'Groups', 'UseNames', 'DoNotEmail', 'Type']));
  });
});
