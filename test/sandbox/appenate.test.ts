import { describe, expect, it } from 'vitest';
import { call, useSandbox } from '../helpers/sandbox.js';
import { startSandbox } from '../../src/sandbox/server.js';

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

  it('pages a search with PageNo (0-based) and PageSize up to 250; refuses a search with no Name, Email or ExternalId, an empty Name= included', async () => {
    for (let i = 0; i < 6; i++) await call(user(), { method: 'POST', json: { FirstName: `Page${i}`, LastName: 'Test', Email: `page${i}@x.co.uk` } });
    const all = await call(search('&Name='));
    expect(all.status).toBe(400);
    expect(all.body.ResponseStatus.Message).toBe('At least one of Name, Email, ExternalId is required.');
    const pages = [];
    for (let p = 0; p < 3; p++) pages.push((await call(search(`&Name=page&PageNo=${p}&PageSize=4`))).body);
    expect(pages.map((b) => b.Users.length)).toEqual([4, 2, 0]);
    expect(pages[0]).toMatchObject({ TotalRows: 6, PageNo: 0, PageSize: 4 });
    expect((await call(search('&Email=page3@x.co.uk'))).body.Users[0].FirstName).toBe('Page3');
    expect((await call(search('&Name=page&PageSize=251'))).status).toBe(400);
    expect((await call(search(''))).status).toBe(400);
  });
});

describe('Appenate emulation: groups, invitations, and the settings for what the vendor leaves open', () => {
  const open = async (settings: Record<string, unknown> = {}) => {
    const sandbox = await startSandbox({ port: 0, settings: { appenate: settings } });
    const at = (path: string, query = '') => `${sandbox.urls.appenate}/${path}?format=json&CompanyId=1&IntegrationKey=sandbox-key${query}`;
    return { sandbox, at, [Symbol.asyncDispose]: () => sandbox.stop() };
  };

  it('refuses a body field the vendor does not document, naming it in a ResponseStatus (a 200 with errorsInOk); drops it with unknownFields: drop', async () => {
    await using s = await open();
    const user = { FirstName: 'A', LastName: 'B', Email: 'shoe@b.co', ShoeSize: 44 };
    const bad = await call(s.at('user'), { method: 'POST', json: user });
    expect(bad.status).toBe(400);
    expect(bad.body.ResponseStatus).toMatchObject({ ErrorCode: 'ValidationException', Message: "'ShoeSize' is not a field of User.", Errors: [{ ErrorCode: 'UnknownField', FieldName: 'ShoeSize' }] });
    // Documented fields and options pass, in any case (ServiceStack binds them ignoring case).
    expect((await call(s.at('user'), { method: 'POST', json: { ...user, ShoeSize: undefined, doNotEmail: true, Password: 'x', TimeZone: 'UTC', Metadata: [] } })).status).toBe(200);
    const group = await call(s.at('usergroup'), { method: 'POST', json: { Name: 'Drivers', Colour: 'red' } });
    expect(group.body.ResponseStatus.Errors).toMatchObject([{ FieldName: 'Colour', Message: "'Colour' is not a field of User group." }]);
    expect((await call(s.at('folder'), { method: 'POST', json: { Name: 'Forms', UserIds: [] } })).status).toBe(400);
    await using ok = await open({ errorsInOk: true });
    const inOk = await call(ok.at('user'), { method: 'POST', json: user });
    expect([inOk.status, inOk.body.ResponseStatus.Errors[0].FieldName]).toEqual([200, 'ShoeSize']);
    await using lenient = await open({ unknownFields: 'drop' });
    const dropped = await call(lenient.at('user'), { method: 'POST', json: user });
    expect(dropped.status).toBe(200);
    expect(dropped.body.User).not.toHaveProperty('ShoeSize');
  });

  it('keeps a user’s groups as GUIDs, shows names with UseNames, and refuses a group that does not exist', async () => {
    await using s = await open();
    const group = await call(s.at('usergroup'), { method: 'POST', json: { Name: 'Drivers', ExternalId: 'G1' } });
    expect(group.body.UserGroup).toMatchObject({ Name: 'Drivers', ExternalId: 'G1', UserIds: [] });
    const gid = group.body.UserGroup.Id as string;
    const made = await call(s.at('user', '&UseNames=true'), { method: 'POST', json: { FirstName: 'A', LastName: 'B', Email: 'a@b.co', Groups: ['drivers'] } });
    expect(made.body.User.Groups).toEqual(['Drivers']);
    expect((await call(s.at('user', `&Id=${made.body.User.Id}`))).body.User.Groups).toEqual([gid]);
    expect((await call(s.at('usergroup', '&Name=DRIVERS'))).body.UserGroup.UserIds).toEqual([made.body.User.Id]);
    const unknown = await call(s.at('user', '&UseNames=true'), { method: 'POST', json: { FirstName: 'C', LastName: 'D', Email: 'c@d.co', Groups: ['Nobody'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.ResponseStatus.Errors[0]).toMatchObject({ FieldName: 'Groups', Message: "The user group 'Nobody' does not exist." });
    expect((await call(s.at('usergroup'), { method: 'POST', json: { Name: 'drivers' } })).status).toBe(400); // names are unique
    expect((await call(s.at('usergroup/search', '&Name=riv'))).body).toMatchObject({ TotalRows: 1, UserGroups: [{ Name: 'Drivers' }] });
    expect((await call(s.at('folder/search', '&Name='))).status).toBe(400);
    expect((await call(s.at('usergroup', `&Id=${gid}`), { method: 'DELETE' })).status).toBe(200);
    expect((await call(s.at('user', `&Id=${made.body.User.Id}`))).body.User.Groups).toEqual([]);
  });

  it('e-mails an invitation on every create unless DoNotEmail, and gives the default licence Type unless one is sent', async () => {
    await using s = await open();
    await call(s.at('user'), { method: 'POST', json: { FirstName: 'A', LastName: 'B', Email: 'a@b.co' } });
    const quiet = await call(s.at('user'), { method: 'POST', json: { FirstName: 'C', LastName: 'D', Email: 'c@d.co', DoNotEmail: true, Type: 'Standard' } });
    expect(quiet.body.User.Type).toBe('Standard');
    expect(s.sandbox.state().appenate.invitations.map((i) => i.Email)).toEqual(['a@b.co']);
    expect((await call(s.at('user', '&Email=a@b.co'))).body.User.Type).toBe('Premium');
    expect((await call(s.at('user'), { method: 'POST', json: { FirstName: 'E', LastName: 'F', Email: 'e@f.co', Type: 'Gold' } })).status).toBe(400);
  });

  it('lists everyone for an empty Name= only when told to (emptyNameSearch: all), or answers nothing (none)', async () => {
    await using all = await open({ emptyNameSearch: 'all' });
    expect((await call(all.at('user/search', '&Name='))).body.TotalRows).toBe(0);
    await call(all.at('user'), { method: 'POST', json: { FirstName: 'A', LastName: 'B', Email: 'a@b.co' } });
    expect((await call(all.at('user/search', '&Name='))).body.TotalRows).toBe(1);
    await using none = await open({ emptyNameSearch: 'none' });
    await call(none.at('user'), { method: 'POST', json: { FirstName: 'A', LastName: 'B', Email: 'a@b.co' } });
    expect((await call(none.at('user/search', '&Name='))).body).toMatchObject({ TotalRows: 0, Users: [] });
  });

  it('answers failures inside an HTTP 200 with errorsInOk', async () => {
    await using s = await open({ errorsInOk: true });
    const bad = await call(s.at('user'), { method: 'POST', json: { FirstName: 'A', Email: 'a@b.co' } });
    expect(bad.status).toBe(200);
    expect(bad.body.ResponseStatus).toMatchObject({ ErrorCode: 'ValidationException', Errors: [{ FieldName: 'LastName' }] });
    expect((await call(s.at('user', '&Email=x@y.co'))).status).toBe(200);
  });
});
