import { createRequire } from 'node:module';
import { detach } from '../../shared/detach.js';

/**
 * The names hrsync sends for each ISO 3166-1 alpha-2 code: common English short names. Platforms that
 * hold country names get the name ("UK", "GB", "Great Britain" → "United Kingdom"); those that take
 * the ISO code (SCIM addresses, RFC 7643 §4.1.2) get the code.
 */
const DATA = `AD Andorra|AE United Arab Emirates|AF Afghanistan|AG Antigua and Barbuda|AI Anguilla|AL Albania|AM Armenia|AO Angola|AQ Antarctica|AR Argentina|AS American Samoa|AT Austria|AU Australia|AW Aruba|AX Aland Islands|AZ Azerbaijan|BA Bosnia and Herzegovina|BB Barbados|BD Bangladesh|BE Belgium|BF Burkina Faso|BG Bulgaria|BH Bahrain|BI Burundi|BJ Benin|BL Saint Barthelemy|BM Bermuda|BN Brunei|BO Bolivia|BQ Caribbean Netherlands|BR Brazil|BS Bahamas|BT Bhutan|BV Bouvet Island|BW Botswana|BY Belarus|BZ Belize|CA Canada|CC Cocos (Keeling) Islands|CD Democratic Republic of the Congo|CF Central African Republic|CG Republic of the Congo|CH Switzerland|CI Cote d'Ivoire|CK Cook Islands|CL Chile|CM Cameroon|CN China|CO Colombia|CR Costa Rica|CU Cuba|CV Cape Verde|CW Curacao|CX Christmas Island|CY Cyprus|CZ Czech Republic|DE Germany|DJ Djibouti|DK Denmark|DM Dominica|DO Dominican Republic|DZ Algeria|EC Ecuador|EE Estonia|EG Egypt|EH Western Sahara|ER Eritrea|ES Spain|ET Ethiopia|FI Finland|FJ Fiji|FK Falkland Islands|FM Micronesia|FO Faroe Islands|FR France|GA Gabon|GB United Kingdom|GD Grenada|GE Georgia|GF French Guiana|GG Guernsey|GH Ghana|GI Gibraltar|GL Greenland|GM Gambia|GN Guinea|GP Guadeloupe|GQ Equatorial Guinea|GR Greece|GS South Georgia and the South Sandwich Islands|GT Guatemala|GU Guam|GW Guinea-Bissau|GY Guyana|HK Hong Kong|HM Heard Island and McDonald Islands|HN Honduras|HR Croatia|HT Haiti|HU Hungary|ID Indonesia|IE Ireland|IL Israel|IM Isle of Man|IN India|IO British Indian Ocean Territory|IQ Iraq|IR Iran|IS Iceland|IT Italy|JE Jersey|JM Jamaica|JO Jordan|JP Japan|KE Kenya|KG Kyrgyzstan|KH Cambodia|KI Kiribati|KM Comoros|KN Saint Kitts and Nevis|KP North Korea|KR South Korea|KW Kuwait|KY Cayman Islands|KZ Kazakhstan|LA Laos|LB Lebanon|LC Saint Lucia|LI Liechtenstein|LK Sri Lanka|LR Liberia|LS Lesotho|LT Lithuania|LU Luxembourg|LV Latvia|LY Libya|MA Morocco|MC Monaco|MD Moldova|ME Montenegro|MF Saint Martin|MG Madagascar|MH Marshall Islands|MK North Macedonia|ML Mali|MM Myanmar|MN Mongolia|MO Macao|MP Northern Mariana Islands|MQ Martinique|MR Mauritania|MS Montserrat|MT Malta|MU Mauritius|MV Maldives|MW Malawi|MX Mexico|MY Malaysia|MZ Mozambique|NA Namibia|NC New Caledonia|NE Niger|NF Norfolk Island|NG Nigeria|NI Nicaragua|NL Netherlands|NO Norway|NP Nepal|NR Nauru|NU Niue|NZ New Zealand|OM Oman|PA Panama|PE Peru|PF French Polynesia|PG Papua New Guinea|PH Philippines|PK Pakistan|PL Poland|PM Saint Pierre and Miquelon|PN Pitcairn Islands|PR Puerto Rico|PS Palestine|PT Portugal|PW Palau|PY Paraguay|QA Qatar|RE Reunion|RO Romania|RS Serbia|RU Russia|RW Rwanda|SA Saudi Arabia|SB Solomon Islands|SC Seychelles|SD Sudan|SE Sweden|SG Singapore|SH Saint Helena|SI Slovenia|SJ Svalbard and Jan Mayen|SK Slovakia|SL Sierra Leone|SM San Marino|SN Senegal|SO Somalia|SR Suriname|SS South Sudan|ST Sao Tome and Principe|SV El Salvador|SX Sint Maarten|SY Syria|SZ Eswatini|TC Turks and Caicos Islands|TD Chad|TF French Southern Territories|TG Togo|TH Thailand|TJ Tajikistan|TK Tokelau|TL Timor-Leste|TM Turkmenistan|TN Tunisia|TO Tonga|TR Turkey|TT Trinidad and Tobago|TV Tuvalu|TW Taiwan|TZ Tanzania|UA Ukraine|UG Uganda|UM United States Minor Outlying Islands|US United States|UY Uruguay|UZ Uzbekistan|VA Vatican City|VC Saint Vincent and the Grenadines|VE Venezuela|VG British Virgin Islands|VI US Virgin Islands|VN Vietnam|VU Vanuatu|WF Wallis and Futuna|WS Samoa|XK Kosovo|YE Yemen|YT Mayotte|ZA South Africa|ZM Zambia|ZW Zimbabwe`;

/**
 * Languages whose country names are recognised — those HR files in Europe and beyond come in — from
 * i18n-iso-countries (CLDR-based names, with the official and the common forms), loaded on first use.
 */
const LANGUAGES = ['en', 'de', 'fr', 'nl', 'es', 'it', 'pt', 'pl', 'sv', 'da', 'nb', 'fi', 'cs', 'sk', 'hu', 'ro', 'el', 'tr'];

/** Informal names no dataset lists (the parts of the United Kingdom, "Holland"…): code by name. */
const INFORMAL: Record<string, string> = {
  england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB', britain: 'GB', 'great britain': 'GB', america: 'US', holland: 'NL',
  korea: 'KR', eire: 'IE', burma: 'MM', 'east timor': 'TL', swaziland: 'SZ', macedonia: 'MK', 'ivory coast': 'CI', 'hong kong sar': 'HK',
  'viet nam': 'VN', 'republic of ireland': 'IE', 'the bahamas': 'BS', 'the gambia': 'GM', 'cabo verde': 'CV', 'vatican': 'VA', 'russia': 'RU', 'czechia': 'CZ', 'turkiye': 'TR',
};

/** A name as compared: lower case, accents and dots removed, spaces collapsed, a leading "the" dropped. */
const key = (s: string) =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\./g, '').replace(/\s+/g, ' ').trim().replace(/^the /, '');

const NAMES = new Map<string, string>(DATA.split('|').map((entry) => [entry.slice(0, 2), entry.slice(3)]));

/** The names hrsync sends (English short names, as the platforms' own lists spell them). */
export const COUNTRY_NAMES: readonly string[] = [...NAMES.values()];

let index: Map<string, string> | undefined;

/** Every spelling → ISO alpha-2: codes (alpha-2, alpha-3), each language's names, the informal ones. A name two codes share is left out. */
function lookup(): Map<string, string> {
  if (index) return index;
  const require = createRequire(import.meta.url);
  // The library alone: its package entry would also load every one of its 78 languages.
  const countries = require('i18n-iso-countries/index.js') as typeof import('i18n-iso-countries');
  const byName = new Map<string, string | null>();
  const add = (name: string, code: string) => {
    const k = key(name);
    if (!k) return;
    const had = byName.get(k);
    if (had === undefined) byName.set(k, code);
    else if (had !== code) byName.set(k, null); // ambiguous ("Congo"): better unknown than wrong
  };
  for (const lang of LANGUAGES) {
    countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`) as Parameters<typeof countries.registerLocale>[0]);
    for (const [code, names] of Object.entries(countries.getNames(lang, { select: 'all' }))) for (const name of names as string[]) if (NAMES.has(code)) add(name, code);
  }
  for (const [code, name] of NAMES) add(name, code);
  const out = new Map<string, string>();
  for (const [k, code] of byName) if (code) out.set(k, code);
  for (const [name, code] of Object.entries(INFORMAL)) out.set(key(name), code);
  for (const [alpha3, alpha2] of Object.entries(countries.getAlpha3Codes())) if (NAMES.has(alpha2)) out.set(alpha3.toLowerCase(), alpha2);
  for (const code of NAMES.keys()) out.set(code.toLowerCase(), code); // last: "DE" is Germany, whatever a name says
  index = out;
  return out;
}

const CODES = new Map<string, string>(DATA.split('|').map((entry) => [entry.slice(3), entry.slice(0, 2)]));

/** The ISO 3166-1 alpha-2 code of a name from the list ("United Kingdom" → "GB"). */
export function countryCode(name: string): string | undefined {
  return CODES.get(name);
}

/** Answers for values already seen: a file holds a handful of distinct countries over many rows. */
const SEEN = new Map<string, string | undefined>();

/**
 * The list's name for a country written any common way: an ISO alpha-2 or alpha-3 code, or its name in
 * one of the LANGUAGES ("Österreich", "Allemagne", "Frankrijk", "Polska", "U.K.", "Korea") — or
 * undefined when unknown.
 */
export function normaliseCountry(value: string): string | undefined {
  const seen = SEEN.get(value);
  if (seen !== undefined || SEEN.has(value)) return seen;
  const code = lookup().get(key(value));
  const name = code ? NAMES.get(code) : undefined;
  if (SEEN.size < 10_000) SEEN.set(detach(value), name);
  return name;
}
