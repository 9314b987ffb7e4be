import type { Row } from '../../odata.js';

/**
 * The HR system's own companies (legal entities) and groups, shaped as the official SDK's
 * `HrisCompany` and `HrisGroup` (src/sdk/models/shared/hriscompany.ts, hrisgroup.ts). Their ids are
 * the HR system's (`cmp_…`, `grp_…`), as a real HRIS has them: never a training platform's IDs, so
 * a client that sends one on as a target's company ID is caught.
 */
export const COMPANIES: readonly Row[] = [
  {
    id: 'cmp_8f3a21', created_at: '2019-03-01T09:00:00.000Z', updated_at: '2025-06-12T14:20:00.000Z', name: 'Acme Logistics', legal_name: 'Acme Logistics Ltd',
    address: { address1: 'Unit 4, Riverside Park', city: 'Lancaster', region: 'Lancashire', postal_code: 'LA1 1AB', country: 'United Kingdom', country_code: 'GB' },
  },
  {
    id: 'cmp_2c9d47', created_at: '2020-09-14T08:30:00.000Z', updated_at: '2026-02-03T10:05:00.000Z', name: 'Northgate Health', legal_name: 'Northgate Health Clinic LLP',
    address: { address1: '12 Northgate', city: 'Chester', region: 'Cheshire', postal_code: 'CH1 2HT', country: 'United Kingdom', country_code: 'GB' },
  },
  {
    id: 'cmp_e51b06', created_at: '2022-01-10T12:00:00.000Z', updated_at: '2025-11-30T16:45:00.000Z', name: 'Brown & Hart', legal_name: 'Brown & Hart Solicitors LLP',
    address: { address1: '3 Castle Street', city: 'York', region: 'North Yorkshire', postal_code: 'YO1 9RN', country: 'United Kingdom', country_code: 'GB' },
  },
];

const group = (id: string, name: string, type: string, created: string, extra: Row = {}): Row => ({
  id, created_at: created, updated_at: created, name, type, is_active: true, ...extra,
});

/**
 * Departments follow the job title (Team Leaders sit in a division instead); a team, a group and a
 * business unit cut across them: every type an employee's groups carry in the SDK's HrisGroupType
 * but BRANCH and SUB_DEPARTMENT.
 */
export const GROUPS: readonly Row[] = [
  group('grp_d1', 'Warehouse', 'DEPARTMENT', '2019-03-01T09:05:00.000Z'),
  group('grp_d2', 'People', 'DEPARTMENT', '2019-03-01T09:06:00.000Z'),
  group('grp_d3', 'Clinical', 'DEPARTMENT', '2020-09-14T08:35:00.000Z', { company_id: 'cmp_2c9d47' }),
  group('grp_d4', 'Transport', 'DEPARTMENT', '2019-03-01T09:07:00.000Z'),
  group('grp_d5', 'Finance', 'DEPARTMENT', '2019-03-01T09:08:00.000Z'),
  group('grp_d6', 'Engineering', 'DEPARTMENT', '2019-03-01T09:09:00.000Z'),
  group('grp_d7', 'Front of House', 'DEPARTMENT', '2019-03-01T09:10:00.000Z'),
  group('grp_d8', 'Operations', 'DIVISION', '2019-03-01T09:11:00.000Z'),
  group('grp_t1', 'Fire Wardens', 'TEAM', '2023-05-02T11:00:00.000Z', { description: 'Trained fire wardens, one or two per site' }),
  group('grp_g1', 'First Aiders', 'GROUP', '2023-09-18T10:00:00.000Z', { parent_id: 'grp_t1' }),
  group('grp_b1', 'Logistics', 'BUSINESS_UNIT', '2019-03-01T09:12:00.000Z', { company_id: 'cmp_8f3a21' }),
];

/** Job title → its department's group id. */
export const DEPARTMENT_OF: Readonly<Record<string, string>> = {
  'Warehouse Operative': 'grp_d1', 'HR Advisor': 'grp_d2', Nurse: 'grp_d3', Driver: 'grp_d4', 'Finance Manager': 'grp_d5',
  Engineer: 'grp_d6', Receptionist: 'grp_d7', 'Team Leader': 'grp_d8',
};

/**
 * How an employee names a group: the SDK says it "may not have all of the Group fields present, but
 * should have id, name, or email" (hrisemployee.ts): `full` gives id, name and type, else the id alone.
 */
export function groupRef(id: string, full = true): Row {
  const g = GROUPS.find((x) => x.id === id)!;
  return full ? { id: g.id, name: g.name, type: g.type } : { id: g.id };
}
