import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const FIRST = ['James', 'Priya', 'Chloe', 'Tomasz', 'Aisha', 'Gareth', 'Sophie', 'Alex', 'Helen', 'David', 'Fatima', 'Liam', 'Zoë', 'José'];
const LAST = ['Smith', 'Patel', "O'Brien", 'Kowalski', 'Rahman', 'Jones', 'Turner', 'Morgan', 'Brown', 'Hart', 'Hussain', 'Murphy', 'Müller'];
const TOWNS = ['Lancaster', 'Chester', 'York', 'Leeds', 'Preston', 'Harrogate'];
const COUNTRIES = ['United Kingdom', 'UK', 'GB', 'Ireland', 'Netherlands'];
const TITLES = ['Mr', 'Mrs', 'Ms', 'Dr', 'Mx', 'Miss'];
const COLUMNS = ['Employee ID', 'Title', 'First name', 'Last name', 'Email', 'Phone', 'Job title', 'Address', 'Town', 'Postcode', 'Country', 'Company ID', 'Status', 'Date of birth'];

export interface Shape {
  /** csv (the default), a JSON array, or NDJSON: the same records. */
  format?: 'csv' | 'json' | 'ndjson';
  /** Every email without its @: one error on every row. */
  brokenEmails?: boolean;
}

/** Row i's values, in COLUMNS order. */
function values(i: number, brokenEmails: boolean): string[] {
  const first = FIRST[i % FIRST.length]!;
  const month = String((i % 12) + 1).padStart(2, '0');
  const day = String((i % 28) + 1).padStart(2, '0');
  const local = `${first.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()}.${i}`;
  return [
    `E${i}`, TITLES[i % TITLES.length]!, first, LAST[(i * 7) % LAST.length]!, brokenEmails ? `${local}.example-company.co.uk` : `${local}@example-company.co.uk`,
    `01524 ${String(600000 + (i % 99999))}`, 'Operative', i % 1000 === 0 ? `${(i % 97) + 1} High Street\nFlat ${i % 9}` : `${(i % 97) + 1} High Street`,
    TOWNS[i % TOWNS.length]!, `LA1 ${i % 9}AB`, COUNTRIES[i % COUNTRIES.length]!, `C${i % 50}`, 'Enabled', `19${60 + (i % 40)}-${month}-${day}`,
  ];
}

const csvCell = (v: string, i: number) => (v.includes('\n') || i === 3 ? `"${v}"` : v);

/**
 * Writes a users file of `rows` realistic rows (~145 bytes each as CSV) for accessplanit, with unique
 * ids and emails (the worst case for duplicate tracking) and a quoted two-line address every 1,000th row.
 */
export async function generateUsers(path: string, rows: number, shape: Shape = {}): Promise<void> {
  const format = shape.format ?? 'csv';
  const out = createWriteStream(path);
  let buffer = format === 'csv' ? `${COLUMNS.join(',')}\n` : format === 'json' ? '[\n' : '';
  for (let i = 0; i < rows; i++) {
    const row = values(i, shape.brokenEmails === true);
    if (format === 'csv') buffer += `${row.map(csvCell).join(',')}\n`;
    else {
      const record = JSON.stringify(Object.fromEntries(COLUMNS.map((c, k) => [c, row[k]])));
      buffer += format === 'json' ? `  ${record}${i + 1 < rows ? ',' : ''}\n` : `${record}\n`;
    }
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  if (format === 'json') buffer += ']\n';
  out.end(buffer);
  await once(out, 'finish');
}

/** Companies C0 … C49 that the generated users refer to. */
export function companiesCsv(): string {
  let text = 'ID,Name,CompanyGroupIDs\n';
  for (let i = 0; i < 50; i++) text += `C${i},Company ${i},G1\n`;
  return text;
}

/** The group G1 the companies belong to. */
export function groupsCsv(): string {
  return 'ID,Label\nG1,Retail\n';
}
