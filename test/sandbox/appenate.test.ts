import { describe, expect, it } from 'vitest';
import { call, useSandbox } from '../helpers/sandbox.js';

describe('Appenate emulation', () => {
  const sandbox = useSandbox();
  const auth = 'format=json&CompanyId=1&IntegrationKey=sandbox-key';
  const user = (query = '') => `${sandbox().urls.appenate}/user?${auth}${query}`;
  const search = (query: string) => `${sandbox().urls.appenate}/user/search?${auth}${query}`;

  it('answers 401 in a ResponseStatus when CompanyId or IntegrationKey is wrong', async () => {
    const reply = await call(`${sandbox().urls.appenate}/user/search?format=json&CompanyId=1&IntegrationKey=wrong&Name=`);
    expect(reply.status).toBe(401);
    expect(reply.body.ResponseStatus).toMatchObject({ ErrorCode: 'Unauthorized' });
  });

  it('creates a user as Invited, finds it by Id, Email and ExternalId, updates and deletes it', async () => {
    const created = await call(user(), { method: 'POST', json: { FirstName: 'Ann', LastName: 'Lee', Email: 'ann.lee@x.co.uk', ExternalId: 'A1', WebsiteRole: 'Admin' } });
    expect(created.status).toBe(200);
    expect(created.body.User).toMatchObject({ Status: 'Invited', CompanyId: 1, WebsiteRole: 'Admin', Folders: [], Groups: [] });
    expect(created.body.ResponseStatus.ErrorCode).toBeUndefined();
    const id = created.body.User.Id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    for (const q of [`&Id=${id}`, '&Email=ANN.LEE@x.co.uk', '&ExternalId=A1']) expect((await call(user(q))).body.User.Id, q).toBe(id);
    const updated = await call(user(), { method: 'PUT', json: { Id: id, LastName: 'Lee-Smith' } });
    expect(updated.body.User).toMatchObject({ LastName: 'Lee-Smith', Email: 'ann.lee@x.co.uk' });
    expect((await call(user(`&Id=${id}`), { method: 'DELETE' })).status).toBe(200);
    expect((await call(user(`&Id=${id}`))).status).toBe(404);
  });

  it('reports validation errors per field, ServiceStack style', async () => {
    const reply = await call(user(), { method: 'POST', json: { FirstName: 'Bo', Email: 'not-an-email', WebsiteRole: 'Root' } });
    expect(reply.status).toBe(400);
    expect(reply.body.ResponseStatus.ErrorCode).toBe('ValidationException');
    expect(reply.body.ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName)).toEqual(['LastName', 'Email', 'WebsiteRole']);
    const duplicate = await call(user(), { method: 'POST', json: { FirstName: 'Ja', LastName: 'Sm', Email: 'james.smith@acme-logistics.co.uk' } });
    expect(duplicate.body.ResponseStatus.Errors[0]).toMatchObject({ ErrorCode: 'Unique', FieldName: 'Email' });
  });

  it('pages a search with PageNo (0-based) and PageSize up to 250; an empty Name= lists everyone', async () => {
    for (let i = 0; i < 6; i++) await call(user(), { method: 'POST', json: { FirstName: `Page${i}`, LastName: 'Test', Email: `page${i}@x.co.uk` } });
    const all = await call(search('&Name='));
    expect(all.body.TotalRows).toBe(11); // 5 seeded + 6
    const pages = [];
    for (let p = 0; p < 3; p++) pages.push((await call(search(`&Name=page&PageNo=${p}&PageSize=4`))).body);
    expect(pages.map((b) => b.Users.length)).toEqual([4, 2, 0]);
    expect(pages[0]).toMatchObject({ TotalRows: 6, PageNo: 0, PageSize: 4 });
    expect((await call(search('&Email=page3@x.co.uk'))).body.Users[0].FirstName).toBe('Page3');
    expect((await call(search('&Name=&PageSize=251'))).status).toBe(400);
    expect((await call(search(''))).status).toBe(400);
  });
});
