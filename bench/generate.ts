import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const FIRST = ['James', 'Priya', 'Chloe', 'Tomasz', 'Aisha', 'Gareth', 'Sophie', 'Alex', 'Helen', 'David', 'Fatima', 'Liam', 'Zoë', 'José'];
const LAST = ['Smith', 'Patel', "O'Brien", 'Kowalski', 'Rahman', 'Jones', 'Turner', 'Morgan', 'Brown', 'Hart', 'Hussain', 'Murphy', 'Müller'];
const TOWNS = ['Lancaster', 'Chester', 'York', 'Leeds', 'Preston', 'Harrogate'];
const COUNTRIES = ['United Kingdom', 'UK', 'GB', 'Ireland', 'Netherlands'];
const TITLES = ['Mr', 'Mrs', 'Ms', 'Dr', 'Mx', 'Miss'];

/**
 * Writes a users CSV of `rows` realistic rows (~120 bytes each) for accessplanit, with unique ids and
 * emails (the worst case for duplicate tracking) and a quoted multi-line address every 1,000th row.
 */
export async function generateUsers(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const header = 'Employee ID,Title,First name,Last name,Email,Phone,Job title,Address,Town,Postcode,Country,Company ID,Status,Date of birth\n';
  out.write(header);
  let buffer = '';
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const address = i % 1000 === 0 ? `"${(i % 97) + 1} High Street\nFlat ${i % 9}"` : `${(i % 97) + 1} High Street`;
    const month = String((i % 12) + 1).padStart(2, '0');
    const day = String((i % 28) + 1).padStart(2, '0');
    buffer += `E${i},${TITLES[i % TITLES.length]},${first},"${last}",${first.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()}.${i}@example-company.co.uk,01524 ${String(600000 + (i % 99999))},Operative,${address},${TOWNS[i % TOWNS.length]},LA1 ${i % 9}AB,${COUNTRIES[i % COUNTRIES.length]},C${i % 50},Enabled,19${60 + (i % 40)}-${month}-${day}\n`;
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

/** Companies C0 … C49 that the generated users refer to. */
export function companiesCsv(): string {
  let text = 'ID,Name,CompanyGroupIDs\n';
  for (let i = 0; i < 50; i++) text += `C${i},Company ${i},G1\n`;
  return text;
}
