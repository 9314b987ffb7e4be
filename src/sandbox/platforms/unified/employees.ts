import type { Row } from '../../odata.js';
import { COMPANIES, DEPARTMENT_OF, groupRef } from './organisation.js';

/** mulberry32: a small seeded generator, so every sandbox starts with the same employees. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Olivia', 'Noah', 'Amelia', 'Jack', 'Isla', 'Oliver', 'Ava', 'Harry', 'Mia', 'George', 'Sofía', 'Mateo', 'Zoë', 'Łukasz', 'Anaïs', 'Siobhán', 'Kwame', 'Priya', 'Chen', 'Fatima'];
const LAST = ['Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', "O'Connor", 'Müller', 'García', 'Nowak', 'Nguyen', 'Okafor', 'Van der Berg'];
const TITLES = ['Warehouse Operative', 'HR Advisor', 'Nurse', 'Driver', 'Finance Manager', 'Engineer', 'Receptionist', 'Team Leader'];
const PLACES = [
  { city: 'Lancaster', region: 'Lancashire', postal_code: 'LA1 1AB', country: 'United Kingdom', country_code: 'GB' },
  { city: 'Chester', region: 'Cheshire', postal_code: 'CH1 2HT', country: 'UK', country_code: 'GB' },
  { city: 'York', region: 'North Yorkshire', postal_code: 'YO1 9RN', country: 'United Kingdom', country_code: 'GB' },
  { city: 'Amsterdam', region: 'Noord-Holland', postal_code: '1015 CJ', country: 'Netherlands', country_code: 'NL' },
  { city: 'Dublin', region: 'Leinster', postal_code: 'D02 X285', country: 'Ireland', country_code: 'IE' },
];
/** The HR system's company ids (organisation.ts): what `company_id` holds, never a training platform's ID. */
const COMPANY_IDS = COMPANIES.map((c) => String(c.id));

const iso = (ms: number) => new Date(ms).toISOString();
const ascii = (s: string) => s.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();

/**
 * Employees as Unified.to returns them, with the mess real HR data has: some without a work email
 * (home only), some in upper case, enum values outside the documented lists, managers, leavers.
 * `company_id` and `groups` name the HR system's own companies and groups (organisation.ts).
 */
export function generateEmployees(count: number, seed = 20261123): Row[] {
  const r = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const start = Date.UTC(2025, 0, 1);
  const span = Date.UTC(2026, 10, 1) - start;
  const out: Row[] = [];
  for (let i = 1; i <= count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const created = start + Math.floor(r() * span * 0.5);
    const updated = created + Math.floor(r() * (start + span - created));
    const roll = r();
    const status = roll < 0.85 ? 'ACTIVE' : roll < 0.97 ? 'INACTIVE' : 'ON_LEAVE'; // the last one is outside the documented enum
    const local = `${ascii(first)}.${ascii(last)}${i}`;
    const work = `${local}@acme-logistics.co.uk`;
    const emails: Array<{ email: string; type: string }> = [];
    const e = r();
    if (e < 0.06) emails.push({ email: `${local}@gmail.com`, type: 'HOME' }); // no work email
    else emails.push({ email: e < 0.12 ? work.toUpperCase() : work, type: 'WORK' }, ...(r() < 0.3 ? [{ email: `${local}@outlook.com`, type: 'HOME' }] : []));
    const place = pick(PLACES);
    const genderRoll = r();
    const employee: Row = {
      id: `emp_${String(i).padStart(5, '0')}`,
      created_at: iso(created),
      updated_at: iso(updated),
      name: `${first} ${last}`,
      first_name: first,
      last_name: last,
      emails,
      telephones: [{ telephone: `+44 7700 9${String(i).padStart(5, '0')}`, type: 'MOBILE' }, ...(r() < 0.4 ? [{ telephone: `01524 ${String(600000 + i)}`, type: 'WORK' }] : [])],
      title: pick(TITLES),
      employee_number: `E${3000 + i}`,
      company_id: pick(COMPANY_IDS),
      employment_status: status,
      employment_type: r() < 0.8 ? 'FULL_TIME' : 'PART_TIME',
      gender: genderRoll < 0.45 ? 'MALE' : genderRoll < 0.9 ? 'FEMALE' : genderRoll < 0.95 ? 'NON_BINARY' : 'PREFER_NOT_TO_SAY',
      date_of_birth: iso(Date.UTC(1960 + Math.floor(r() * 40), Math.floor(r() * 12), 1 + Math.floor(r() * 28))),
      hired_at: iso(Date.UTC(2010 + Math.floor(r() * 15), Math.floor(r() * 12), 1 + Math.floor(r() * 28))),
      address: { address1: `${1 + Math.floor(r() * 200)} High Street`, ...place },
      groups: [],
      locations: [],
    };
    // A department by job title (no draw from the generator: the people stay the same), a team, a group and a business unit across them.
    // The first aiders are named by id alone, as the SDK allows: a client must read /group to name them.
    employee.groups = [
      groupRef(DEPARTMENT_OF[String(employee.title)]!),
      ...(i % 23 === 0 ? [groupRef('grp_t1')] : []),
      ...(i % 17 === 0 ? [groupRef('grp_g1', false)] : []),
      ...(i % 4 === 0 && employee.company_id === 'cmp_8f3a21' ? [groupRef('grp_b1')] : []),
    ];
    if (i > 10 && r() < 0.9) employee.manager_id = `emp_${String(1 + Math.floor(r() * 10)).padStart(5, '0')}`;
    if (status === 'INACTIVE') employee.terminated_at = iso(updated);
    out.push(employee);
  }
  return out;
}
