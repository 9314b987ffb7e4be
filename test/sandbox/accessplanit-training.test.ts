import { describe, expect, it } from 'vitest';
import { AP_KEY, call, useSandbox } from '../helpers/sandbox.js';

/** accessplanit's training feeds (HR integration guide, flows e–i), as the emulator serves them. */
describe('accessplanit emulation: training feeds', () => {
  let clock = Date.UTC(2026, 0, 5, 9, 0, 0);
  const sandbox = useSandbox({ now: () => clock });
  const ap = (path: string) => `${sandbox().urls.accessplanit}/${path}`;
  const get = (path: string) => call(ap(path), { headers: AP_KEY });
  const put = (path: string, json: unknown) => call(ap(path), { method: 'PUT', headers: AP_KEY, json });

  it('lists the seeded delegates, awards and job roles of the seeded users, in the guide’s shapes', async () => {
    const delegates = await get('UserCourseDate?$count=true');
    expect(delegates.status).toBe(200);
    expect(delegates.body.count).toBe(10);
    expect(delegates.body.results[0]).toMatchObject({
      ID: 'jasmit~12368', CourseDateID: 12368, UserID: 'jasmit', UserFullName: 'James Smith', CandidateEmailAddress: 'james.smith@acme-logistics.co.uk',
      Status: 'Provisional', CompanyID: 'ACME01', CourseDateDetailsLabel: 'First Aid at Work: 31/01/2025 09:00 - 17:00', DateUpdated: '2026-01-05T09:00:00.00',
    });
    expect((await get('UserAward?$count=true')).body.count).toBe(10);
    expect((await get('UserAward?$filter=UserID eq \'jasmit\'')).body.results.map((a: { AwardID: string; Status: string }) => `${a.AwardID} ${a.Status}`)).toEqual(['HOWTOILEoB Target', 'FAAWCERT Achieved']);
    expect((await get('UserJobRole?$count=true')).body.count).toBe(6);
    // The managers' overview: the delegates still awaiting authorisation.
    const auth = await get('ManagerUserCourseDateAuthorisation');
    expect(auth.body.results).toEqual([
      expect.objectContaining({ ID: 'jasmit~12368', UserForenames: 'James', UserSurname: 'Smith', CourseName: 'First Aid at Work', CourseDateEndDate: '2025-01-31T17:00:00', VenueName: 'Lancaster Training Centre' }),
      expect.objectContaining({ ID: 'chobri~12368', UserForenames: 'Chloe' }),
    ]);
  });

  it('filters, pages and counts as the other modules do; a number field wants a number literal', async () => {
    const provisional = await get("UserCourseDate?$filter=Status eq 'Provisional'&$count=true");
    expect(provisional.body.count).toBe(2);
    expect((await get("UserCourseDate?$filter=TrainingProviderID eq 'TP2' and CompanyID eq 'ACME01'")).body.results.map((d: { ID: string }) => d.ID))
      .toEqual(['jasmit~12417', 'prpate~12402', 'chobri~12417', 'tokowa~12402']);
    expect((await get('UserCourseDate?$filter=CourseDateID eq 12368')).body.results).toHaveLength(3);
    const quoted = await get("UserCourseDate?$filter=CourseDateID eq '12368'");
    expect(quoted.status).toBe(400);
    expect(quoted.body.message).toContain('incompatible types');
    expect((await get("UserCourseDate?$filter=Venue eq 'x'")).status).toBe(400);
    const pages = [];
    for (let skip = 0; skip < 12; skip += 4) pages.push(...(await get(`UserCourseDate?$top=4&$skip=${skip}&$orderby=ID`)).body.results.map((d: { ID: string }) => d.ID));
    expect(new Set(pages).size).toBe(10);
  });

  it('changes only a delegate’s Status (one it knows) and an award’s TargetDate; nothing is created or deleted; DateUpdated moves', async () => {
    clock += 3600_000;
    const refused = await put('UserCourseDate/jasmit~12368', { Status: 'Approved' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'Status', message: "Status 'Approved' is not valid." }]);
    expect((await put('UserCourseDate/jasmit~12368', { Status: 'Booked', Description: 'x' })).body.errors).toEqual([{ field: 'Description', message: 'Description cannot be changed.' }]);
    expect((await put('UserCourseDate/nobody~1', { Status: 'Booked' })).status).toBe(404);
    expect((await call(ap('UserCourseDate'), { method: 'POST', headers: AP_KEY, json: { UserID: 'jasmit', CourseDateID: 12402 } })).status).toBe(405);
    expect((await call(ap('UserAward/jasmit~HOWTOILEoB'), { method: 'DELETE', headers: AP_KEY })).status).toBe(405);
    expect((await put('ManagerUserCourseDateAuthorisation/jasmit~12368', { Status: 'Booked' })).status).toBe(405);
    expect((await put('UserAward/jasmit~HOWTOILEoB', { TargetDate: '30/09/2026' })).status).toBe(400);

    const booked = await put('UserCourseDate/jasmit~12368', { Status: 'Booked' });
    expect(booked.status).toBe(200);
    expect((await put('UserAward/jasmit~HOWTOILEoB', { TargetDate: '2026-09-30T00:00:00' })).status).toBe(200);
    const changed = await get("UserCourseDate?$filter=DateUpdated ge '2026-01-05T09:30:00'");
    expect(changed.body.results.map((d: { ID: string; Status: string }) => `${d.ID} ${d.Status}`)).toEqual(['jasmit~12368 Booked']);
    expect((await get('ManagerUserCourseDateAuthorisation')).body.results.map((a: { ID: string }) => a.ID)).toEqual(['chobri~12368']);
    expect((await get("UserAward?$filter=ID eq 'jasmit~HOWTOILEoB'")).body.results[0].TargetDate).toBe('2026-09-30T00:00:00');
  });
});
