import { describe, expect, it } from 'vitest';
import { mapColumns, recogniseHeader } from '../../src/core/mapping/columns.js';
import { normaliseHeader } from '../../src/core/mapping/headers.js';
import { inferEntity } from '../../src/core/mapping/infer-entity.js';
import { AMBIGUOUS, SYNONYMS } from '../../src/core/mapping/synonyms.js';
import type { Entity } from '../../src/core/model/entities.js';
import { FIELDS } from '../../src/core/model/fields.js';

const placed = (columns: string[], entity: Entity = 'users') => {
  const map = mapColumns(entity, columns);
  return { fields: Object.fromEntries(map.mapped.map(({ column, field }) => [column, field.name])), unknown: map.unknown, shadowed: map.shadowed };
};

/** Header lines as HR systems export them (as their users see them in the system's language). */
const EXPORTS: Record<string, { columns: string[]; expected: string[] }> = {
  'Personio (de)': {
    columns: ['Personalnummer', 'Vorname', 'Nachname', 'E-Mail', 'Position', 'Abteilung', 'Eintrittsdatum', 'Austrittsdatum', 'Geschlecht', 'Geburtsdatum', 'Kostenstelle', 'Vorgesetzter E-Mail', 'Beschäftigungsstatus'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'department', 'startDate', 'endDate', 'gender', 'dateOfBirth', 'costCenter', 'managerEmail', 'status'],
  },
  'DATEV Lohn (de)': {
    columns: ['Pers.-Nr.', 'Anrede', 'Vorname', 'Familienname', 'Straße', 'Hausnummer', 'PLZ', 'Ort', 'Land', 'Geburtsdatum', 'Eintritt', 'Austritt', 'Tätigkeitsbezeichnung', 'KOST'],
    expected: ['externalId', 'title', 'firstName', 'lastName', 'address', 'houseNumber', 'postcode', 'town', 'country', 'dateOfBirth', 'startDate', 'endDate', 'jobTitle', 'costCenter'],
  },
  'SAP SuccessFactors (de)': {
    columns: ['Mitarbeiter-ID', 'Vorname', 'Nachname', 'E-Mail-Adresse', 'Stellenbezeichnung', 'Geschäftsbereich', 'Kostenstelle', 'Firma', 'Eintrittsdatum (TT.MM.JJJJ)', 'Telefonnummer', 'Mobiltelefon'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'businessUnit', 'costCenter', 'companyName', 'startDate', 'phone', 'mobile'],
  },
  'Lucca (fr)': {
    columns: ['Matricule', 'Prénom', 'Nom', 'Adresse e-mail', 'Poste', 'Département', 'Date d\'entrée', 'Date de sortie', 'Établissement', 'Téléphone portable', 'Manager (e-mail)'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'department', 'startDate', 'endDate', 'companyName', 'mobile', 'managerEmail'],
  },
  'Sage Paie (fr)': {
    columns: ['N° matricule', 'Civilité', 'NOM', 'PRENOM', 'Courriel', 'Emploi', 'Service', 'Date d\'embauche', 'Date de départ', 'Date de naissance', 'Sexe', 'Code postal', 'Ville', 'Pays', 'Centre de coût'],
    expected: ['externalId', 'title', 'lastName', 'firstName', 'email', 'jobTitle', 'department', 'startDate', 'endDate', 'dateOfBirth', 'gender', 'postcode', 'town', 'country', 'costCenter'],
  },
  'AFAS (nl)': {
    columns: ['Personeelsnummer', 'Voornaam', 'Achternaam', 'E-mail werk', 'Functie', 'Afdeling', 'Datum in dienst', 'Datum uit dienst', 'Kostenplaats', 'Mobiel werk', 'Telefoon werk', 'Geslacht', 'Geboortedatum'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'department', 'startDate', 'endDate', 'costCenter', 'mobile', 'phone', 'gender', 'dateOfBirth'],
  },
  'Nmbrs (nl)': {
    columns: ['Medewerkernummer', 'Roepnaam', 'Achternaam', 'E-mailadres', 'Functienaam', 'Afdelingsnaam', 'Startdatum', 'Einddatum', 'Bedrijfsnaam', 'Woonplaats', 'Postcode', 'Land'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'department', 'startDate', 'endDate', 'companyName', 'town', 'postcode', 'country'],
  },
  'Factorial (es)': {
    columns: ['ID de empleado', 'Nombre', 'Apellidos', 'Correo electrónico', 'Puesto', 'Departamento', 'Fecha de incorporación', 'Fecha de baja', 'Empresa', 'Teléfono móvil', 'Centro de coste', 'Correo del responsable'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'department', 'startDate', 'endDate', 'companyName', 'mobile', 'costCenter', 'managerEmail'],
  },
  'A3 / Sage (es)': {
    columns: ['Nº Empleado', 'NOMBRE', 'PRIMER APELLIDO', 'E-MAIL', 'CARGO', 'FECHA ALTA', 'FECHA BAJA', 'FECHA NACIMIENTO', 'SEXO', 'CÓDIGO POSTAL', 'POBLACIÓN', 'PROVINCIA', 'PAÍS'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'startDate', 'endDate', 'dateOfBirth', 'gender', 'postcode', 'town', 'county', 'country'],
  },
  'BambooHR (en)': {
    columns: ['Employee #', 'First Name', 'Last Name', 'Work Email', 'Job Title', 'Department', 'Division', 'Hire Date', 'Termination Date', 'Mobile Phone', 'Work Phone', 'Employment Status'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'department', 'businessUnit', 'startDate', 'endDate', 'mobile', 'phone', 'status'],
  },
  'Workday (en)': {
    columns: ['Employee ID', 'Legal First Name', 'Legal Last Name', 'Email - Work', 'Business Title', 'Cost Center', 'Company', 'Hire Date', 'Termination Date', 'Manager Email'],
    expected: ['externalId', 'firstName', 'lastName', 'email', 'jobTitle', 'costCenter', 'companyName', 'startDate', 'endDate', 'managerEmail'],
  },
};

describe('HR export headers in German, French, Dutch, Spanish and English', () => {
  for (const [system, { columns, expected }] of Object.entries(EXPORTS))
    it(`places every column of a ${system} export`, () => {
      const result = placed(columns);
      expect(result.unknown).toEqual([]);
      expect(result.shadowed).toEqual([]);
      expect(columns.map((c) => result.fields[c])).toEqual(expected);
      expect(inferEntity('export.csv', columns).entity).toBe('users');
    });

  it('reads a plain ASCII header (its quick path) as the Unicode path reads it', () => {
    // A trailing no-break space is trimmed as a space is, but sends the header down the Unicode path.
    const ascii = [...Object.values(FIELDS).flat().flatMap((d) => [d.name, ...d.aliases]), 'FechaDeAlta', 'Employee #', 'e_mail__ADRESSE', ' Date of  Birth ', 'ID', 'camelCaseHRId2', '#', '-', '', 'de la', 'Tab\tbed'];
    for (const header of ascii) expect(normaliseHeader(header), header).toBe(normaliseHeader(`${header}\u00a0`));
  });

  it('ignores case, accents, punctuation, articles, "N°" and "#", and a qualifier in brackets', () => {
    expect(normaliseHeader("Date d'Entrée")).toBe(normaliseHeader('date_entree'));
    expect(normaliseHeader('FechaDeAlta')).toBe(normaliseHeader('fecha alta'));
    expect(normaliseHeader('Straße')).toBe('strasse');
    expect(normaliseHeader('N° matricule')).toBe(normaliseHeader('Nº Matricule'));
    expect(normaliseHeader('Employee #')).toBe('employeeno');
    for (const header of ['E-MAIL-ADRESSE', 'e_mail_adresse', 'E-Mail Adresse', 'Email-Adresse', 'E-Mail (geschäftlich)', 'Courriel', 'Correo-electronico', 'E-mailadres'])
      expect(recogniseHeader('users', header)?.def?.name, header).toBe('email');
    expect(recogniseHeader('users', 'Eintrittsdatum [dd.mm.yyyy]')).toMatchObject({ def: { name: 'startDate' }, via: 'de', qualified: true });
    expect(recogniseHeader('users', 'Vorname')).toMatchObject({ via: 'de', qualified: false });
    expect(recogniseHeader('users', 'Email')).toMatchObject({ via: 'name' });
  });

  it('never places an ambiguous header by its name: a suggestion and the reason instead', () => {
    const result = placed(['Vorname', 'Name', 'Manager', 'Statut', 'Standort', 'E-Mail privat', 'Tussenvoegsel', 'Nationalität']);
    expect(result.fields).toEqual({ Vorname: 'firstName' });
    expect(result.unknown.map((u) => [u.column, u.suggestion])).toEqual([
      ['Name', 'lastName'], ['Manager', 'managerEmail'], ['Statut', 'status'], ['Standort', 'town'], ['E-Mail privat', 'email'], ['Tussenvoegsel', 'lastName'], ['Nationalität', undefined],
    ]);
    expect(result.unknown.every((u) => u.why)).toBe(true);
    expect(result.unknown[0]!.why).toMatch(/full name/);
    // Companies do have a name.
    expect(placed(['Name', 'Firmennummer'], 'companies').fields).toEqual({ Name: 'name', Firmennummer: 'externalId' });
  });

  it('two headers for one field: the second is reported, never silently dropped', () => {
    expect(placed(['Vorname', 'Rufname', 'E-Mail', 'Courriel']).shadowed).toEqual([
      { column: 'Rufname', field: 'firstName', winner: 'Vorname' },
      { column: 'Courriel', field: 'email', winner: 'E-Mail' },
    ]);
  });

  it('every synonym names its own field, and no ambiguous header is also a known one', () => {
    for (const [entity, languages] of Object.entries(SYNONYMS) as Array<[Entity, Record<string, Record<string, string[]>>]>)
      for (const [language, byField] of Object.entries(languages))
        for (const [field, headers] of Object.entries(byField)) {
          expect(FIELDS[entity].some((d) => d.name === field), `${entity}.${field}`).toBe(true);
          for (const header of headers) expect(recogniseHeader(entity, header)?.def?.name, `${language} ${header}`).toBe(field);
        }
    for (const [entity, list] of Object.entries(AMBIGUOUS) as Array<[Entity, NonNullable<(typeof AMBIGUOUS)['users']>]>)
      for (const ambiguity of list)
        for (const header of ambiguity.headers) {
          expect(recogniseHeader(entity, header)?.ambiguity, header).toBe(ambiguity);
          for (const field of ambiguity.fields) expect(FIELDS[entity].some((d) => d.name === field), field).toBe(true);
        }
  });
});
