/**
 * Headers as HR systems write them in German, French, Dutch and Spanish (and the English spellings of
 * HR exports that are not a platform's wire name): what SAP SuccessFactors, Personio, DATEV, AFAS,
 * Lucca, Factorial, Sage, BambooHR, Workday or HiBob put on line 1. Compared as normaliseHeader
 * compares (case, accents, punctuation and articles do not count), so one spelling per word order.
 *
 * A header that names two different things in practice ("Name": a full name, or the last name beside
 * "Vorname"; "Manager": a name or an e-mail; French "Statut": cadre / non-cadre more often than
 * active) is never placed by its name alone: it is in AMBIGUOUS, with the fields it may be.
 */
import type { Entity } from '../model/entities.js';

export type Language = 'de' | 'fr' | 'nl' | 'es' | 'en';

export const LANGUAGE_NAMES: Record<Language, string> = { de: 'German', fr: 'French', nl: 'Dutch', es: 'Spanish', en: 'English' };

type Synonyms = Partial<Record<Language, Record<string, readonly string[]>>>;

const USERS: Synonyms = {
  de: {
    externalId: [
      'Personalnummer', 'Personal-Nr', 'Personalnr', 'Pers.-Nr.', 'PersNr', 'Personal-ID', 'Personalkennung', 'Mitarbeiternummer', 'Mitarbeiter-Nr',
      'Mitarbeiternr', 'Mitarbeiter-ID', 'Mitarbeiterkennung', 'MA-Nr', 'Arbeitnehmernummer', 'Beschäftigtennummer', 'Personalnummer Mitarbeiter',
    ],
    title: ['Anrede'],
    firstName: ['Vorname', 'Vornamen', 'Rufname'],
    middleName: ['Zweiter Vorname', 'Weitere Vornamen', 'Mittelname'],
    lastName: ['Nachname', 'Familienname', 'Zuname'],
    email: [
      'E-Mail-Adresse', 'Mailadresse', 'E-Mail geschäftlich', 'Geschäftliche E-Mail', 'Geschäftliche E-Mail-Adresse', 'E-Mail dienstlich',
      'Dienstliche E-Mail', 'Dienstliche E-Mail-Adresse', 'Firmen-E-Mail', 'E-Mail Arbeit', 'E-Mail Firma',
    ],
    phone: ['Telefon', 'Telefonnummer', 'Telefon geschäftlich', 'Geschäftliche Telefonnummer', 'Telefon dienstlich', 'Telefon Arbeit', 'Durchwahl', 'Festnetz'],
    mobile: ['Mobil', 'Mobiltelefon', 'Mobilnummer', 'Mobilfunknummer', 'Handy', 'Handynummer', 'Mobil geschäftlich', 'Mobiltelefon geschäftlich', 'Diensthandy'],
    jobTitle: ['Stelle', 'Stellenbezeichnung', 'Jobtitel', 'Jobbezeichnung', 'Berufsbezeichnung', 'Funktion', 'Tätigkeit', 'Tätigkeitsbezeichnung', 'Positionsbezeichnung', 'Stellenname'],
    department: ['Abteilung', 'Abteilungsname', 'Organisationseinheit', 'Org-Einheit', 'OE'],
    businessUnit: ['Geschäftsbereich', 'Unternehmensbereich', 'Sparte', 'Bereich'],
    costCenter: ['Kostenstelle', 'Kostenstellennummer', 'Kostenstellen-Nr', 'KST', 'KoSt'],
    costCenterName: ['Kostenstellenbezeichnung', 'Kostenstellenname', 'Bezeichnung Kostenstelle'],
    gender: ['Geschlecht'],
    dateOfBirth: ['Geburtsdatum', 'Geb.-Datum', 'Geburtstag', 'Geboren am'],
    birthplace: ['Geburtsort'],
    address: ['Straße', 'Straße und Hausnummer', 'Straße/Hausnummer', 'Adresse', 'Anschrift'],
    houseNumber: ['Hausnummer', 'Hausnr'],
    town: ['Ort', 'Stadt', 'Wohnort'],
    county: ['Bundesland', 'Kanton'],
    postcode: ['PLZ', 'Postleitzahl'],
    country: ['Land', 'Wohnland'],
    companyName: ['Firma', 'Firmenname', 'Unternehmen', 'Gesellschaft', 'Arbeitgeber', 'Rechtliche Einheit', 'Juristische Person'],
    status: ['Beschäftigungsstatus', 'Mitarbeiterstatus', 'Aktiv'],
    startDate: [
      'Eintrittsdatum', 'Eintritt', 'Eintrittstermin', 'Datum Eintritt', 'Beschäftigungsbeginn', 'Beginn Beschäftigung', 'Einstellungsdatum', 'Vertragsbeginn',
      'Startdatum', 'Erster Arbeitstag', 'Anstellungsdatum', 'Eintritt Unternehmen',
    ],
    endDate: ['Austrittsdatum', 'Austritt', 'Austrittstermin', 'Datum Austritt', 'Beschäftigungsende', 'Ende Beschäftigung', 'Vertragsende', 'Enddatum', 'Letzter Arbeitstag'],
    managerEmail: ['E-Mail Vorgesetzter', 'E-Mail Vorgesetzte', 'E-Mail Vorgesetzten', 'Vorgesetzter E-Mail', 'E-Mail Führungskraft', 'Führungskraft E-Mail', 'E-Mail Manager'],
    timeZone: ['Zeitzone'],
    groups: ['Gruppen'],
    userType: ['Lizenztyp', 'Lizenz'],
  },
  fr: {
    externalId: [
      'Matricule', 'Matricule salarié', 'Matricule employé', 'Matricule collaborateur', 'Numéro matricule', 'N° matricule', 'Numéro employé', 'N° employé',
      'Numéro salarié', 'N° salarié', 'Numéro collaborateur', 'ID salarié', 'ID employé', 'ID collaborateur', 'Identifiant salarié', 'Identifiant employé',
      'Identifiant collaborateur', 'Code salarié', 'Code employé',
    ],
    title: ['Civilité'],
    firstName: ['Prénom', 'Prénoms', 'Prénom usuel'],
    middleName: ['Deuxième prénom', 'Autres prénoms', 'Second prénom'],
    lastName: ['Nom', 'Nom famille', 'Nom usage', 'Nom patronymique'],
    email: [
      'Courriel', 'Adresse e-mail', 'Adresse mail', 'Adresse électronique', 'Adresse courriel', 'E-mail professionnel', 'Mail professionnel', 'Email pro',
      'Adresse e-mail professionnelle', 'Courriel professionnel',
    ],
    phone: ['Téléphone', 'Numéro téléphone', 'Tél', 'Téléphone fixe', 'Téléphone professionnel', 'Tél pro', 'Ligne directe'],
    mobile: ['Portable', 'Téléphone portable', 'Téléphone mobile', 'Numéro portable', 'Tél portable', 'Portable professionnel', 'Mobile professionnel'],
    jobTitle: ['Poste', 'Intitulé poste', 'Intitulé du poste', 'Titre poste', 'Fonction', 'Emploi', 'Libellé emploi', 'Libellé poste', 'Métier'],
    department: ['Département', 'Service', 'Unité organisationnelle'],
    businessUnit: ['Direction', 'Pôle', 'Unité commerciale'],
    costCenter: ['Centre coût', 'Centre coûts', 'Centre frais', 'Code centre coût', 'Section analytique'],
    costCenterName: ['Libellé centre coût', 'Nom centre coût'],
    gender: ['Sexe', 'Genre'],
    dateOfBirth: ['Date naissance', 'Né le'],
    birthplace: ['Lieu naissance', 'Ville naissance'],
    address: ['Adresse', 'Adresse postale', 'Rue', 'Adresse ligne 1'],
    town: ['Ville', 'Commune', 'Localité'],
    county: ['Région', 'Province'],
    postcode: ['Code postal', 'CP'],
    country: ['Pays'],
    companyName: ['Société', 'Entreprise', 'Établissement', 'Employeur', 'Raison sociale', 'Nom société', 'Nom entreprise', 'Entité', 'Entité légale', 'Entité juridique'],
    status: ['Statut salarié', 'Statut collaborateur', 'Statut emploi', 'Actif'],
    startDate: [
      'Date entrée', 'Date embauche', 'Date début', 'Date début contrat', 'Date arrivée', 'Date entrée entreprise', 'Date entrée société', 'Entrée',
    ],
    endDate: ['Date sortie', 'Date départ', 'Date fin', 'Date fin contrat', 'Date sortie entreprise', 'Sortie'],
    managerEmail: ['E-mail manager', 'E-mail responsable', 'E-mail responsable hiérarchique', 'Courriel responsable', 'Courriel manager', 'E-mail N+1'],
    timeZone: ['Fuseau horaire'],
    groups: ['Groupes'],
  },
  nl: {
    externalId: [
      'Personeelsnummer', 'Personeelsnr', 'Pers.nr', 'Personeels-ID', 'Medewerkernummer', 'Medewerkernr', 'Medewerker-ID', 'Medewerkercode', 'Werknemernummer',
      'Werknemer-ID', 'Werknemersnummer',
    ],
    title: ['Aanhef'],
    firstName: ['Voornaam', 'Voornamen', 'Roepnaam'],
    middleName: ['Tweede voornaam'],
    lastName: ['Achternaam', 'Familienaam', 'Geslachtsnaam'],
    email: ['E-mailadres', 'Mailadres', 'Zakelijk e-mailadres', 'Zakelijke e-mail', 'E-mail werk', 'E-mailadres werk', 'Werk e-mail', 'E-mailadres zakelijk'],
    phone: ['Telefoon', 'Telefoonnummer', 'Telefoon werk', 'Telefoonnummer werk', 'Vast nummer', 'Telefoon zakelijk'],
    mobile: ['Mobiel', 'Mobiel nummer', 'Mobiele telefoon', 'Mobiel telefoonnummer', 'Mobiel werk', 'GSM', 'Gsm-nummer'],
    jobTitle: ['Functie', 'Functienaam', 'Functietitel', 'Functiebenaming', 'Functieomschrijving'],
    department: ['Afdeling', 'Afdelingsnaam', 'Organisatorische eenheid', 'Organisatie-eenheid'],
    businessUnit: ['Bedrijfsonderdeel', 'Divisie'],
    costCenter: ['Kostenplaats', 'Kostenplaatsnummer', 'Kostenplaatscode', 'Kostenplaats code'],
    costCenterName: ['Kostenplaatsnaam', 'Kostenplaats omschrijving', 'Omschrijving kostenplaats'],
    gender: ['Geslacht'],
    dateOfBirth: ['Geboortedatum', 'Geb. datum'],
    birthplace: ['Geboorteplaats'],
    address: ['Adres', 'Straat', 'Straatnaam', 'Straat en huisnummer'],
    houseNumber: ['Huisnummer', 'Huisnr'],
    town: ['Plaats', 'Woonplaats', 'Stad', 'Gemeente'],
    county: ['Provincie'],
    country: ['Land'],
    companyName: ['Bedrijf', 'Bedrijfsnaam', 'Werkgever', 'Onderneming', 'Organisatie', 'Juridische entiteit'],
    status: ['Dienstverbandstatus', 'Status dienstverband', 'Actief'],
    startDate: [
      'Datum in dienst', 'In dienst', 'Indiensttreding', 'Datum indiensttreding', 'Startdatum', 'Begindatum', 'Begindatum dienstverband',
      'Ingangsdatum dienstverband', 'Datum in dienst getreden', 'In dienst per',
    ],
    endDate: ['Datum uit dienst', 'Uit dienst', 'Uitdiensttreding', 'Datum uitdiensttreding', 'Einddatum', 'Einddatum dienstverband', 'Laatste werkdag', 'Uit dienst per'],
    managerEmail: ['E-mail leidinggevende', 'E-mailadres leidinggevende', 'E-mail manager', 'E-mailadres manager'],
    timeZone: ['Tijdzone'],
    groups: ['Groepen'],
  },
  es: {
    externalId: [
      'Número empleado', 'Nº empleado', 'Núm. empleado', 'Num empleado', 'ID empleado', 'Id del empleado', 'Código empleado', 'Cód. empleado',
      'Número trabajador', 'Nº trabajador', 'Código trabajador', 'ID trabajador', 'Número personal', 'Matrícula', 'Legajo', 'Número legajo', 'Nº legajo',
      'Número colaborador', 'ID colaborador', 'Código colaborador',
    ],
    title: ['Tratamiento'],
    firstName: ['Nombre', 'Nombres', 'Nombre pila'],
    middleName: ['Segundo nombre'],
    lastName: ['Apellido', 'Apellidos', 'Primer apellido'],
    email: [
      'Correo', 'Correo electrónico', 'Correo corporativo', 'Correo electrónico corporativo', 'Correo empresa', 'Correo trabajo', 'Email corporativo',
      'Email trabajo', 'Dirección correo', 'Dirección correo electrónico', 'Correo electrónico trabajo', 'Email empresa',
    ],
    phone: ['Teléfono', 'Número teléfono', 'Tel', 'Teléfono fijo', 'Teléfono trabajo', 'Teléfono corporativo', 'Teléfono empresa'],
    mobile: ['Móvil', 'Teléfono móvil', 'Celular', 'Teléfono celular', 'Número móvil', 'Móvil corporativo', 'Móvil empresa'],
    jobTitle: ['Puesto', 'Puesto trabajo', 'Cargo', 'Título puesto', 'Nombre puesto', 'Posición', 'Función'],
    department: ['Departamento', 'Nombre departamento', 'Unidad organizativa'],
    businessUnit: ['Unidad negocio', 'División'],
    costCenter: ['Centro coste', 'Centro costo', 'Centro costes', 'Centro costos', 'Código centro coste'],
    costCenterName: ['Nombre centro coste', 'Descripción centro coste', 'Nombre centro costo'],
    gender: ['Género', 'Sexo'],
    dateOfBirth: ['Fecha nacimiento', 'F. nacimiento', 'Fecha nac'],
    birthplace: ['Lugar nacimiento'],
    address: ['Dirección', 'Domicilio', 'Calle', 'Dirección postal'],
    town: ['Ciudad', 'Localidad', 'Población', 'Municipio'],
    county: ['Provincia', 'Región', 'Comunidad autónoma'],
    postcode: ['Código postal', 'CP', 'C.P.'],
    country: ['País'],
    companyName: ['Empresa', 'Compañía', 'Razón social', 'Sociedad', 'Nombre empresa', 'Empleador', 'Entidad', 'Entidad legal'],
    status: ['Estado empleado', 'Estado laboral', 'Situación laboral', 'Estado trabajador', 'Activo'],
    startDate: [
      'Fecha alta', 'Fecha incorporación', 'Fecha ingreso', 'Fecha contratación', 'Fecha inicio', 'Fecha inicio contrato', 'Fecha entrada', 'Alta',
      'Fecha inicio relación laboral',
    ],
    endDate: ['Fecha baja', 'Fecha fin', 'Fecha fin contrato', 'Fecha salida', 'Fecha cese', 'Fecha terminación', 'Baja'],
    managerEmail: ['Email responsable', 'Correo responsable', 'Correo electrónico responsable', 'Email manager', 'Correo manager', 'Correo jefe', 'Email jefe'],
    timeZone: ['Zona horaria'],
    groups: ['Grupos'],
  },
  en: {
    externalId: ['Employee #', 'Emp #', 'Employee code', 'Person ID', 'Person number', 'Personnel ID', 'Associate ID', 'File number', 'Badge number', 'Employee reference'],
    firstName: ['Legal first name', 'First name legal'],
    lastName: ['Legal last name', 'Last name legal'],
    email: ['E-mail address', 'Email work', 'Email address work', 'Company email', 'Corporate email', 'Office email', 'Work e-mail address'],
    phone: ['Phone work', 'Work phone number', 'Office phone', 'Business phone', 'Direct line', 'Landline'],
    mobile: ['Phone mobile', 'Mobile work', 'Work mobile', 'Mobile phone number', 'Cell phone number', 'Work cell'],
    jobTitle: ['Business title', 'Job', 'Role title', 'Position title', 'Job position'],
    department: ['Department name', 'Org unit', 'Organizational unit', 'Organisational unit', 'Team name'],
    costCenter: ['Cost center ID', 'Cost centre ID', 'Cost center number', 'Cost centre number'],
    dateOfBirth: ['Birth date'],
    address: ['Street address line 1', 'Address line 1', 'Home address'],
    town: ['Work city'],
    postcode: ['Zip code', 'Postal code', 'Post code'],
    country: ['Country code', 'Work country'],
    companyName: ['Legal entity', 'Company name', 'Legal entity name', 'Entity'],
    status: ['Employee status', 'Worker status', 'Active status'],
    startDate: ['Start date', 'Hire date', 'Date of hire', 'Employment start', 'Date hired', 'Joining date', 'Date of joining', 'Contract start date'],
    endDate: ['End date', 'Termination date', 'Date of termination', 'Employment end', 'Last day worked', 'Last working day', 'Exit date', 'Leaving date', 'Contract end date'],
    managerEmail: ['Manager email', 'Manager e-mail', 'Reports to email', 'Supervisor email address', 'Manager email address', 'Line manager email address'],
  },
};

const COMPANIES: Synonyms = {
  de: { name: ['Firma', 'Firmenname', 'Unternehmen', 'Gesellschaft'], externalId: ['Firmennummer', 'Gesellschaftsnummer', 'Buchungskreis'] },
  fr: { name: ['Société', 'Nom société', 'Entreprise', 'Raison sociale'], externalId: ['Code société'] },
  nl: { name: ['Bedrijf', 'Bedrijfsnaam', 'Onderneming'], externalId: ['Bedrijfscode'] },
  es: { name: ['Empresa', 'Nombre empresa', 'Razón social', 'Sociedad'], externalId: ['Código empresa'] },
};

const GROUPS: Synonyms = {
  de: { label: ['Gruppe', 'Gruppenname', 'Bezeichnung'] },
  fr: { label: ['Groupe', 'Nom groupe', 'Libellé'] },
  nl: { label: ['Groep', 'Groepsnaam', 'Omschrijving'] },
  es: { label: ['Grupo', 'Nombre grupo', 'Etiqueta'] },
};

export const SYNONYMS: Partial<Record<Entity, Synonyms>> = { users: USERS, companies: COMPANIES, groups: GROUPS };

/** What the values of an ambiguous column must look like for `map init` to place it on its first field. */
export type ValueTest = 'emails' | 'statuses';

export interface Ambiguity {
  headers: readonly string[];
  /** The fields it may be, the likelier first. Empty: hrsync has no field for it. */
  fields: readonly string[];
  /** Why it is not placed by its name, for the comment and the warning. */
  why: string;
  /** Placed on fields[0] after all when the file's values pass this test (map init reads some rows). */
  test?: ValueTest;
}

const FULL_NAME = 'a full name, or a last name? hrsync keeps first and last names apart: map it to lastName if it holds last names only';

export const AMBIGUOUS: Partial<Record<Entity, readonly Ambiguity[]>> = {
  users: [
    { headers: ['Name', 'Naam', 'Nombre completo', 'Nombre y apellidos', 'Nom complet', 'Nom et prénom', 'Nom prénom', 'Prénom nom', 'Vollständiger Name', 'Vor- und Nachname', 'Volledige naam', 'Full name', 'Employee name', 'Display name', 'Mitarbeiter', 'Mitarbeitername', 'Collaborateur', 'Salarié', 'Empleado', 'Trabajador'], fields: ['lastName'], why: FULL_NAME },
    { headers: ['Medewerker', 'Werknemer'], fields: ['externalId', 'lastName'], why: 'AFAS writes the employee number here, other systems the name' },
    { headers: ['Titel', 'Titre', 'Título', 'Akademischer Titel'], fields: ['title'], why: 'a salutation (Mr, Ms) or an academic title (Dr), or a job title?' },
    { headers: ['Preferred name', 'Preferred first name', 'Nickname', 'Known as', 'Bevorzugter Name', 'Nom préféré', 'Nombre preferido'], fields: ['firstName'], why: 'the name a person goes by: the platform may want their legal first name instead' },
    { headers: ['Geburtsname', 'Nom naissance', 'Nom jeune fille', 'Segundo apellido', 'Tussenvoegsel', 'Voorvoegsel'], fields: ['lastName', 'middleName'], why: 'part of a surname (a birth name, a second surname, a prefix such as "van der"): hrsync has one last name' },
    { headers: ['E-Mail privat', 'Private E-Mail', 'Private E-Mail-Adresse', 'E-mail personnel', 'Email personnel', 'Adresse e-mail personnelle', 'E-mail privé', 'Privé e-mailadres', 'E-mailadres privé', 'Email personal', 'Correo personal', 'Correo electrónico personal', 'Personal email', 'Home email', 'Private email'], fields: ['email'], why: 'a private address: platforms usually want the work address' },
    { headers: ['Vorgesetzter', 'Vorgesetzte', 'Vorgesetzte(r)', 'Führungskraft', 'Manager', 'Line manager', 'Supervisor', 'Reports to', 'Responsable', 'Responsable hiérarchique', 'Manager direct', 'N+1', 'Leidinggevende', 'Direct leidinggevende', 'Jefe', 'Jefe directo', 'Responsable directo', 'Superior'], fields: ['managerEmail'], why: "the manager's name, ID or e-mail? hrsync takes the e-mail", test: 'emails' },
    { headers: ['Statut', 'État', 'Estado', 'Situación', 'Situation', 'Toestand'], fields: ['status', 'county'], why: 'an account status (active, inactive), or something else (French Statut is cadre / non-cadre; Spanish Estado may be a state)', test: 'statuses' },
    { headers: ['Standort', 'Arbeitsort', 'Location', 'Work location', 'Office', 'Lieu travail', 'Site travail', 'Établissement travail', 'Locatie', 'Vestiging', 'Werklocatie', 'Ubicación', 'Centro trabajo', 'Sede', 'Oficina'], fields: ['town', 'sites'], why: 'a work location: town if it is the city, sites if it names a site of a multi-site platform' },
    { headers: ['Team', 'Équipe', 'Equipo', 'Área', 'Supervisory organization', 'Abteilung/Team'], fields: ['department'], why: 'a team or area: department if the platform should show it as one' },
    { headers: ['Rolle', 'Rôle', 'Rol', 'Role'], fields: ['jobTitle', 'websiteRole'], why: 'a job (jobTitle) or a level of access on the platform (websiteRole)?' },
    { headers: ['Kündigungsdatum', 'Date démission', 'Date préavis', 'Opzegdatum', 'Fecha preaviso', 'Notice date', 'Resignation date'], fields: ['endDate'], why: 'the day notice was given, not the last day: endDate is the day the account should end' },
    { headers: ['Original hire date', 'Seniority date', 'Date ancienneté', 'Fecha antigüedad', 'Dienstjaren vanaf', 'Konzerneintritt'], fields: ['startDate'], why: 'a seniority date: startDate is the day this employment starts' },
    { headers: ['Nationalität', 'Staatsangehörigkeit', 'Nationalité', 'Nationaliteit', 'Nacionalidad', 'Nationality', 'Citizenship'], fields: [], why: "a nationality, not where the person works or lives: hrsync's country is an address's" },
    { headers: ['Initialen', 'Voorletters', 'Initiales', 'Iniciales', 'Initials'], fields: [], why: 'initials: hrsync has no field for them' },
  ],
};
