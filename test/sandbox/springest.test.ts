import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { call, useSandbox } from '../helpers/sandbox.js';

describe('Springest emulation', () => {
  const sandbox = useSandbox({ credentials: { springest: { default: 'sandbox-key', nl: 'nl-key' } } });
  const users = (key: string, query = '') => `${sandbox().urls.springest}/users.json?api_key=${key}${query}`;

  it('checks the api_key, each site with its own users', async () => {
    expect((await call(users('wrong', '&external_id=E1001'))).status).toBe(401);
    expect((await call(users('sandbox-key', '&external_id=E1001'))).body).toMatchObject({ external_id: 'E1001', user_email: 'james.smith@acme-logistics.co.uk', active: 'true' });
    expect((await call(users('nl-key', '&external_id=E1001'))).status).toBe(404);
  });

  it('creates with 201 and the id, then upserts on external_id, else on email', async () => {
    const created = await call(users('nl-key'), { method: 'POST', json: { external_id: 'N1', email: 'anouk@acme.nl', first_name: 'Anouk', job_title: 'Planner' } });
    expect(created.status).toBe(201);
    const again = await call(users('nl-key'), { method: 'POST', json: { external_id: 'N1', email: 'anouk.dejong@acme.nl', first_name: 'Anouk' } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    const byEmail = await call(users('nl-key'), { method: 'POST', json: { email: 'ANOUK.DEJONG@acme.nl', last_name: 'de Jong' } });
    expect(byEmail.body.id).toBe(created.body.id);
  });

  it('overwrites every field it is sent, empty values included', async () => {
    await call(users('nl-key'), { method: 'POST', json: { external_id: 'N2', email: 'daan@acme.nl', job_title: 'Driver', city: 'Utrecht' } });
    await call(users('nl-key'), { method: 'POST', json: { external_id: 'N2', job_title: '' } });
    const stored = sandbox().state().springest.get('nl')!.find((u) => u.external_id === 'N2')!;
    expect(stored).toMatchObject({ job_title: '', city: 'Utrecht', email: 'daan@acme.nl' });
  });

  it('validates: email or external_id, email format, gender, dates, approvers; tags are lower-cased', async () => {
    const bad = await call(users('nl-key'), {
      method: 'POST',
      json: { email: 'x@@y', gender: 'male', birthdate: '31-12-1990', approvers: [{ email: 'ghost@acme.nl', label: 'Boss' }] },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(['email', 'gender', 'birthdate', 'approvers']);
    expect((await call(users('nl-key'), { method: 'POST', json: { first_name: 'Nobody' } })).body.errors.base).toEqual(['email or external_id is required']);
    const tagged = await call(users('nl-key'), {
      method: 'POST',
      json: { external_id: 'N3', email: 'sanne@acme.nl', tags: ['Sales', 'NL'], approvers: [{ email: 'anouk.dejong@acme.nl', label: 'Manager', can_approve: true }] },
    });
    expect(tagged.status).toBe(201);
    expect(sandbox().state().springest.get('nl')!.find((u) => u.external_id === 'N3')!.tags).toEqual(['sales', 'nl']);
  });
});

describe('Springest emulation: fields seed 003 does not list', () => {
  const sandbox = useSandbox();
  const users = () => `${sandbox().urls.springest}/users.json?api_key=sandbox-key`;

  it('refuses them by default, naming each in the platform’s error shape — the seed’s own employee_end_date too', async () => {
    const bad = await call(users(), { method: 'POST', json: { external_id: 'U1', email: 'u1@acme.nl', shoe_size: 44, employee_end_date: '2026-12-31' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ errors: { shoe_size: ['is not a known field'], employee_end_date: ['is not a known field (did you mean "employment_end_date"?)'] } });
    expect(sandbox().state().springest.get('default')!.find((u) => u.external_id === 'U1')).toBeUndefined();
    const approver = await call(users(), { method: 'POST', json: { external_id: 'U1', email: 'u1@acme.nl', approvers: [{ email: 'james.smith@acme-logistics.co.uk', label: 'Manager', lable: 'x' }] } });
    expect(approver.body).toEqual({ errors: { approvers: ['lable is not a known field (did you mean "label"?)'] } });
    const good = await call(users(), { method: 'POST', json: { external_id: 'U1', email: 'u1@acme.nl', employment_end_date: '2026-12-31' } });
    expect(good.status).toBe(201);
    expect(sandbox().state().springest.get('default')!.find((u) => u.external_id === 'U1')).toMatchObject({ employment_end_date: '2026-12-31' });
  });

  it('drops them with unknownFields: drop, as a lenient server would', async () => {
    const lenient = await startSandbox({ port: 0, settings: { springest: { unknownFields: 'drop' } } });
    try {
      const res = await call(`${lenient.urls.springest}/users.json?api_key=sandbox-key`, { method: 'POST', json: { external_id: 'U2', shoe_size: 44, employee_end_date: '2026-12-31' } });
      expect(res.status).toBe(201);
      const stored = lenient.state().springest.get('default')!.find((u) => u.external_id === 'U2')!;
      expect([stored.shoe_size, stored.employee_end_date, stored.employment_end_date]).toEqual([undefined, undefined, undefined]);
    } finally {
      await lenient.stop();
    }
  });
});
