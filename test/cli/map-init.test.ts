import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dateFormat, draftMapping, renderDraft } from '../../src/core/mapping/draft.js';
import { compileMapping, compileMappingFile } from '../../src/core/mapping/mapping-file.js';
import { hrsyncBinary } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/files.js';

/** A German HR export as Excel on Windows saves it: Windows-1252, semicolons, dd.mm.yyyy, German words. */
const GERMAN = [
  'Personalnummer;Anrede;Vorname;Nachname;E-Mail-Adresse;Stellenbezeichnung;Eintrittsdatum;Austrittsdatum;Geburtsdatum;Straße;PLZ;Ort;Vorgesetzter;Status;Name;Bemerkung',
  'P1001;Herr;Jürgen;Müller;juergen.mueller@example.de;Entwickler;01.04.2019;;12.03.1985;Hauptstraße 5;80331;München;anna.schmidt@example.de;aktiv;Müller;',
  'P1002;Frau;Anna;Schmidt;anna.schmidt@example.de;Leiterin;15.01.2015;31.12.2026;02.11.1979;Weg 1;10115;Berlin;;inaktiv;Schmidt;Teilzeit',
].join('\r\n');

describe('hrsync map init (the built CLI)', () => {
  it('writes a mapping from a Windows-1252 ";" German export that validate then accepts', async () => {
    const dir = tempDir();
    write(dir, 'mitarbeiter.csv', Buffer.from(`${GERMAN}\r\n`, 'latin1'));
    const init = await hrsyncBinary(['map', 'init', 'mitarbeiter.csv'], dir);
    expect(init.stderr).toContain('not UTF-8: read as windows-1252');
    // The mapping says how the file is read: the next command needs no --encoding and no --delimiter.
    expect(init.stderr).toMatch(/^ {2}hrsync validate mitarbeiter\.csv --map mapping\.yaml$/m);
    expect(init.code).toBe(0);
    const text = readFileSync(join(dir, 'mapping.yaml'), 'utf8');
    expect(text).toMatch(/^ {4}Vorname: firstName +# German for first name/m);
    expect(text).toMatch(/^ {4}Vorgesetzter: managerEmail +# .*e-mail addresses/m);
    expect(text).toMatch(/^ {4}# Name: lastName +# a full name, or a last name\?/m);
    expect(text).toMatch(/^ {4}# Bemerkung: FIELD +# no field is close/m);
    expect(text).toMatch(/^input:\n {2}encoding: windows-1252 +# the file is not UTF-8.*\n {2}delimiter: ";" +# /m);
    expect(parse(text)).toEqual({
      input: { encoding: 'windows-1252', delimiter: ';' },
      users: {
        columns: {
          Personalnummer: 'externalId', Anrede: 'title', Vorname: 'firstName', Nachname: 'lastName', 'E-Mail-Adresse': 'email', Stellenbezeichnung: 'jobTitle',
          Eintrittsdatum: 'startDate', Austrittsdatum: 'endDate', Geburtsdatum: 'dateOfBirth', 'Straße': 'address', PLZ: 'postcode', Ort: 'town', Vorgesetzter: 'managerEmail', Status: 'status',
        },
        transforms: { startDate: 'date:dd.mm.yyyy', endDate: 'date:dd.mm.yyyy', dateOfBirth: 'date:dd.mm.yyyy' },
        values: { title: { map: { Herr: 'Mr', Frau: 'Ms' } }, status: { map: { aktiv: 'active', inaktiv: 'inactive' } } },
      },
    });
    const validate = await hrsyncBinary(['validate', 'mitarbeiter.csv', '--map', 'mapping.yaml', '--target', 'generic', '--format', 'json'], dir);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    const report = JSON.parse(validate.stdout) as { summary: { errors: number }; files: Array<{ encoding: string; delimiter: string }>; issues: Array<{ code: string; value: string }> };
    expect(report.summary.errors).toBe(0);
    expect(report.files.map((f) => [f.encoding, f.delimiter])).toEqual([['windows-1252', ';']]);
    expect(report.issues.filter((i) => i.code === 'unknown_column').map((i) => i.value)).toEqual(['Name', 'Bemerkung']);
  });

  it('reads the files a mapping is for as its input section says: validate and import need no --encoding or --delimiter', async () => {
    const dir = tempDir();
    // Windows-1252, ";" and CRLF, as Excel on Windows saves a German export; a company the sandbox holds.
    const rows = ['Personalnummer;Vorname;Nachname;E-Mail-Adresse;Company ID;Bemerkung für HR', 'P1;Jürgen;Müller;juergen.mueller@example.de;ACME01;', 'P2;Anna;Schäfer;anna.schaefer@example.de;ACME01;Teilzeit'];
    write(dir, 'mitarbeiter.csv', Buffer.from(`${rows.join('\r\n')}\r\n`, 'latin1'));
    expect((await hrsyncBinary(['map', 'init', 'mitarbeiter.csv'], dir)).code).toBe(0);
    const validate = await hrsyncBinary(['validate', 'mitarbeiter.csv', '--map', 'mapping.yaml', '--format', 'json'], dir);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    const report = JSON.parse(validate.stdout) as { summary: { errors: number }; issues: Array<{ code: string; value: string }> };
    expect(report.issues.filter((i) => i.code === 'unknown_column').map((i) => i.value)).toEqual(['Bemerkung für HR']);
    const plan = await hrsyncBinary(['import', 'mitarbeiter.csv', '--map', 'mapping.yaml', '--dry-run', '--format', 'json'], dir);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const operations = (JSON.parse(plan.stdout) as { operations: Array<{ action: string; values: Record<string, string> }> }).operations;
    expect(operations.map((o) => [o.action, o.values.firstName, o.values.lastName, o.values.companyId])).toEqual([['create', 'Jürgen', 'Müller', 'ACME01'], ['create', 'Anna', 'Schäfer', 'ACME01']]);
    // A flag still wins (said with --verbose); a wrong input section is a usage error naming the file and the key.
    const utf8 = await hrsyncBinary(['validate', 'mitarbeiter.csv', '--map', 'mapping.yaml', '--encoding', 'utf-8', '--verbose', '--annotate', 'fix.csv'], dir);
    expect(utf8.code).toBe(3);
    expect(utf8.stderr.split(`--encoding "utf-8" wins over mapping.yaml's input.encoding ("windows-1252")`)).toHaveLength(2); // said once
    write(dir, 'mapping.yaml', readFileSync(join(dir, 'mapping.yaml'), 'utf8').replace('encoding: windows-1252', 'encoding: latin-9x'));
    const wrong = await hrsyncBinary(['validate', 'mitarbeiter.csv', '--map', 'mapping.yaml'], dir);
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain('mapping.yaml: input.encoding: unknown encoding "latin-9x"');
  });

  it('never replaces a file without --force, writes to stdout with -o -, and JSON for a .json name', async () => {
    const dir = tempDir();
    write(dir, 'export.csv', 'Matricule,Prénom,Nom,Courriel\nM1,Léa,Dupont,lea@example.fr\n');
    write(dir, 'mapping.yaml', 'mine\n');
    const refused = await hrsyncBinary(['map', 'init', 'export.csv'], dir);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('mapping.yaml exists');
    expect(readFileSync(join(dir, 'mapping.yaml'), 'utf8')).toBe('mine\n');
    expect((await hrsyncBinary(['map', 'init', 'export.csv', '--force'], dir)).code).toBe(0);
    expect(parse(readFileSync(join(dir, 'mapping.yaml'), 'utf8')).users.columns).toEqual({ Matricule: 'externalId', 'Prénom': 'firstName', Nom: 'lastName', Courriel: 'email' });
    const stdout = await hrsyncBinary(['map', 'init', 'export.csv', '-o', '-'], dir);
    expect(stdout.code).toBe(0);
    expect(parse(stdout.stdout).users.columns.Nom).toBe('lastName');
    expect((await hrsyncBinary(['map', 'init', 'export.csv', '-o', 'map.json'], dir)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'map.json'), 'utf8'))).toEqual({ users: { columns: { Matricule: 'externalId', 'Prénom': 'firstName', Nom: 'lastName', Courriel: 'email' } } });
    expect(statSync(join(dir, 'map.json')).isFile()).toBe(true);
    expect((await hrsyncBinary(['map', 'init', 'missing.csv', '-o', 'x.yaml'], dir)).code).toBe(3);
    expect((await hrsyncBinary(['map', 'init', 'export.csv', '-o', 'export.csv', '--force'], dir)).code).toBe(64);
  });
});

describe('draftMapping', () => {
  it('writes two columns for one field as a choice, never silently one of them', () => {
    const draft = draftMapping('users', ['Voornaam', 'Roepnaam', 'Achternaam'], []);
    expect(draft.columns.map((c) => [c.column, c.field, c.conflict])).toEqual([['Voornaam', 'firstName', undefined], ['Roepnaam', null, 'Voornaam'], ['Achternaam', 'lastName', undefined]]);
    const text = renderDraft(draft, 'yaml');
    expect(text).toMatch(/Roepnaam: null +# firstName too, which "Voornaam" fills/);
    expect(parse(text).users.columns).toEqual({ Voornaam: 'firstName', Roepnaam: null, Achternaam: 'lastName' });
    // What it writes is a mapping file hrsync accepts.
    expect(() => compileMapping(parse(text), 'x.yaml')).not.toThrow();
  });

  it('writes how the file was read as the input section, in YAML with comments and in JSON', () => {
    const draft = { ...draftMapping('users', ['Vorname'], []), input: [{ key: 'encoding' as const, value: 'windows-1252', note: 'not UTF-8' }, { key: 'delimiter' as const, value: '\t', note: 'its header line' }, { key: 'sheet' as const, value: '2024', note: 'as given' }] };
    const yaml = renderDraft(draft, 'yaml');
    expect(yaml).toMatch(/^input:\n {2}encoding: windows-1252 +# not UTF-8\n {2}delimiter: tab +# its header line\n {2}sheet: "2024" +# as given\nusers:/m);
    const expected = { encoding: 'windows-1252', delimiter: '\t', sheet: '2024' };
    expect(compileMappingFile(parse(yaml), 'x.yaml').input).toEqual(expected);
    expect(compileMappingFile(JSON.parse(renderDraft(draft, 'json')), 'x.json').input).toEqual(expected);
    expect(renderDraft(draftMapping('users', ['Vorname'], []), 'yaml')).not.toContain('input:');
  });

  it('places an ambiguous column only when its values settle it, and suggests by values and spelling', () => {
    const rows = [{ Manager: 'Anna Schmidt', Responsable: 'chef@example.fr', Courriel: 'a@example.fr', 'E-mail 2': 'b@example.fr', Emial: 'x' }];
    const draft = draftMapping('users', ['Manager', 'Responsable', 'Courriel', 'E-mail 2', 'Emial', 'Statut'], rows);
    expect(draft.columns.map((c) => [c.column, c.field, c.suggestion])).toEqual([
      ['Manager', null, 'managerEmail'], ['Responsable', 'managerEmail', undefined], ['Courriel', 'email', undefined], ['E-mail 2', null, 'managerEmail'], ['Emial', null, 'email'], ['Statut', null, 'status'],
    ]);
    // Column names that YAML would read otherwise are quoted; the file stays valid whatever a header holds.
    const odd = renderDraft(draftMapping('users', ['yes', 'a: b', '#x', 'Line\nbreak', 'E-Mail'], []), 'yaml');
    expect(Object.keys(parse(odd).users.columns)).toEqual(['E-Mail']);
    expect(odd).toContain('# "yes": FIELD');
  });

  it('reads the date format of the rows, and says when day and month could be swapped', () => {
    expect(dateFormat(['2020-01-31'])).toBeUndefined();
    expect(dateFormat(['31.01.2020', '1.2.2021'])?.format).toBe('dd.mm.yyyy');
    expect(dateFormat(['01/31/2020'])?.format).toBe('mm/dd/yyyy');
    expect(dateFormat(['01/02/2020'])).toMatchObject({ format: 'dd/mm/yyyy', note: expect.stringContaining('mm/dd/yyyy') });
    expect(dateFormat(['31.01.2020', 'soon'])).toBeUndefined();
  });
});
