import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { write } from './files.js';

/** Values an HR file could hold that would run script or break a page if pasted into HTML as they are. */
export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  img: '"><img src=x onerror="window.__pwned=2;alert(1)">@x.co.uk',
  style: '</style><script>__pwned=3</script>',
  jsUrl: 'javascript:alert(document.domain)',
  control: 'Bell\u0007Esc\u001b[31m',
  lineSeparator: 'Sep\u2028arated',
} as const;

/** The hostile file's name: quotes and markup in an attribute value (the file filter) too. */
export const HOSTILE_FILE = 'people "<b>".csv';

const HEADER = 'Employee ID,First name,Last name,Email,Job title,Company ID';
const csv = (cells: string[]) => cells.map((c) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

/**
 * A project's input against the seeded sandbox (E1001–E1005 exist there): users.csv updates two
 * people, leaves one unchanged and has one row without a first name; the hostile file creates three
 * people whose names hold markup, and has three invalid rows. Plan for users: 3 to create, 2 to
 * update, 1 unchanged, 4 invalid; issues: 2 invalid_email, 1 control_character, 1 required.
 */
export function writeHostileInput(dir: string): { files: string[] } {
  const samples = readFileSync(join(ROOT, 'samples', 'users.csv'), 'utf8').split('\n');
  const sample = (id: string) => samples.find((l) => l.startsWith(`${id},`))!;
  // The samples' columns, E1001 with a new job title, E1002 with a new first name, E1003 as it is.
  write(dir, 'users.csv', [samples[0], sample('E1001').replace('Warehouse Manager', 'Site Manager'), sample('E1002').replace(',Priya,', ',Pria,'), sample('E1003'), 'E1099,Mr,,Nofirst,nofirst@x.co.uk,,,,,,,,UK,ACME01,Enabled', ''].join('\n'));
  write(
    dir,
    HOSTILE_FILE,
    [
      HEADER,
      csv(['H1', HOSTILE.script, 'Scripted', 'h1@x.co.uk', 'Tester', 'ACME01']),
      csv(['H2', 'Imogen', 'Img', HOSTILE.img, 'Tester', 'ACME01']),
      csv(['H3', 'Stella', HOSTILE.style, 'h3@x.co.uk', HOSTILE.jsUrl, 'ACME01']),
      csv(['H4', HOSTILE.control, 'Control', 'h4@x.co.uk', 'Tester', 'ACME01']),
      csv(['H5', 'Lina', HOSTILE.lineSeparator, 'h5@x.co.uk', 'Tester', 'ACME01']),
      csv(['H6', 'Ed', 'Broken', 'not-an-email', 'Tester', 'ACME01']),
      '',
    ].join('\n'),
  );
  return { files: ['users.csv', HOSTILE_FILE] };
}
