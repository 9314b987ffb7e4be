/**
 * Built-in country list: ISO 3166-1 alpha-2 codes with common English short names. Platforms that
 * hold country names get the name ("UK", "GB", "Great Britain" → "United Kingdom"); those that take
 * the ISO code (SCIM addresses, RFC 7643 §4.1.2) get the code.
 */
const DATA = `AD Andorra|AE United Arab Emirates|AF Afghanistan|AG Antigua and Barbuda|AI Anguilla|AL Albania|AM Armenia|AO Angola|AQ Antarctica|AR Argentina|AS American Samoa|AT Austria|AU Australia|AW Aruba|AX Aland Islands|AZ Azerbaijan|BA Bosnia and Herzegovina|BB Barbados|BD Bangladesh|BE Belgium|BF Burkina Faso|BG Bulgaria|BH Bahrain|BI Burundi|BJ Benin|BL Saint Barthelemy|BM Bermuda|BN Brunei|BO Bolivia|BQ Caribbean Netherlands|BR Brazil|BS Bahamas|BT Bhutan|BV Bouvet Island|BW Botswana|BY Belarus|BZ Belize|CA Canada|CC Cocos (Keeling) Islands|CD Democratic Republic of the Congo|CF Central African Republic|CG Republic of the Congo|CH Switzerland|CI Cote d'Ivoire|CK Cook Islands|CL Chile|CM Cameroon|CN China|CO Colombia|CR Costa Rica|CU Cuba|CV Cape Verde|CW Curacao|CX Christmas Island|CY Cyprus|CZ Czech Republic|DE Germany|DJ Djibouti|DK Denmark|DM Dominica|DO Dominican Republic|DZ Algeria|EC Ecuador|EE Estonia|EG Egypt|EH Western Sahara|ER Eritrea|ES Spain|ET Ethiopia|FI Finland|FJ Fiji|FK Falkland Islands|FM Micronesia|FO Faroe Islands|FR France|GA Gabon|GB United Kingdom|GD Grenada|GE Georgia|GF French Guiana|GG Guernsey|GH Ghana|GI Gibraltar|GL Greenland|GM Gambia|GN Guinea|GP Guadeloupe|GQ Equatorial Guinea|GR Greece|GS South Georgia and the South Sandwich Islands|GT Guatemala|GU Guam|GW Guinea-Bissau|GY Guyana|HK Hong Kong|HM Heard Island and McDonald Islands|HN Honduras|HR Croatia|HT Haiti|HU Hungary|ID Indonesia|IE Ireland|IL Israel|IM Isle of Man|IN India|IO British Indian Ocean Territory|IQ Iraq|IR Iran|IS Iceland|IT Italy|JE Jersey|JM Jamaica|JO Jordan|JP Japan|KE Kenya|KG Kyrgyzstan|KH Cambodia|KI Kiribati|KM Comoros|KN Saint Kitts and Nevis|KP North Korea|KR South Korea|KW Kuwait|KY Cayman Islands|KZ Kazakhstan|LA Laos|LB Lebanon|LC Saint Lucia|LI Liechtenstein|LK Sri Lanka|LR Liberia|LS Lesotho|LT Lithuania|LU Luxembourg|LV Latvia|LY Libya|MA Morocco|MC Monaco|MD Moldova|ME Montenegro|MF Saint Martin|MG Madagascar|MH Marshall Islands|MK North Macedonia|ML Mali|MM Myanmar|MN Mongolia|MO Macao|MP Northern Mariana Islands|MQ Martinique|MR Mauritania|MS Montserrat|MT Malta|MU Mauritius|MV Maldives|MW Malawi|MX Mexico|MY Malaysia|MZ Mozambique|NA Namibia|NC New Caledonia|NE Niger|NF Norfolk Island|NG Nigeria|NI Nicaragua|NL Netherlands|NO Norway|NP Nepal|NR Nauru|NU Niue|NZ New Zealand|OM Oman|PA Panama|PE Peru|PF French Polynesia|PG Papua New Guinea|PH Philippines|PK Pakistan|PL Poland|PM Saint Pierre and Miquelon|PN Pitcairn Islands|PR Puerto Rico|PS Palestine|PT Portugal|PW Palau|PY Paraguay|QA Qatar|RE Reunion|RO Romania|RS Serbia|RU Russia|RW Rwanda|SA Saudi Arabia|SB Solomon Islands|SC Seychelles|SD Sudan|SE Sweden|SG Singapore|SH Saint Helena|SI Slovenia|SJ Svalbard and Jan Mayen|SK Slovakia|SL Sierra Leone|SM San Marino|SN Senegal|SO Somalia|SR Suriname|SS South Sudan|ST Sao Tome and Principe|SV El Salvador|SX Sint Maarten|SY Syria|SZ Eswatini|TC Turks and Caicos Islands|TD Chad|TF French Southern Territories|TG Togo|TH Thailand|TJ Tajikistan|TK Tokelau|TL Timor-Leste|TM Turkmenistan|TN Tunisia|TO Tonga|TR Turkey|TT Trinidad and Tobago|TV Tuvalu|TW Taiwan|TZ Tanzania|UA Ukraine|UG Uganda|UM United States Minor Outlying Islands|US United States|UY Uruguay|UZ Uzbekistan|VA Vatican City|VC Saint Vincent and the Grenadines|VE Venezuela|VG British Virgin Islands|VI US Virgin Islands|VN Vietnam|VU Vanuatu|WF Wallis and Futuna|WS Samoa|XK Kosovo|YE Yemen|YT Mayotte|ZA South Africa|ZM Zambia|ZW Zimbabwe`;

/** Other names people write, mapped to the list's name. Keys are compared in the normalised form. */
const ALIASES: Record<string, string> = {
  uk: 'United Kingdom', 'great britain': 'United Kingdom', britain: 'United Kingdom', england: 'United Kingdom', scotland: 'United Kingdom',
  wales: 'United Kingdom', 'northern ireland': 'United Kingdom', 'united kingdom of great britain and northern ireland': 'United Kingdom',
  gbr: 'United Kingdom', usa: 'United States', 'united states of america': 'United States', us: 'United States', america: 'United States',
  'the netherlands': 'Netherlands', holland: 'Netherlands', nederland: 'Netherlands', nld: 'Netherlands', deutschland: 'Germany', deu: 'Germany',
  'republic of ireland': 'Ireland', eire: 'Ireland', irl: 'Ireland', czechia: 'Czech Republic', turkiye: 'Turkey', 'türkiye': 'Turkey',
  belgie: 'Belgium', 'belgië': 'Belgium', belgique: 'Belgium', espana: 'Spain', 'españa': 'Spain', fra: 'France', 'the bahamas': 'Bahamas',
  'korea, republic of': 'South Korea', 'russian federation': 'Russia', 'viet nam': 'Vietnam', 'ivory coast': "Cote d'Ivoire",
  "côte d'ivoire": "Cote d'Ivoire", swaziland: 'Eswatini', macedonia: 'North Macedonia', burma: 'Myanmar', 'the gambia': 'Gambia',
  'uae': 'United Arab Emirates', 'hong kong sar': 'Hong Kong', 'åland islands': 'Aland Islands', 'curaçao': 'Curacao', 'réunion': 'Reunion',
  'saint barthélemy': 'Saint Barthelemy', 'são tomé and príncipe': 'Sao Tome and Principe', 'cabo verde': 'Cape Verde', 'east timor': 'Timor-Leste',
};

const key = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export const COUNTRY_NAMES: readonly string[] = DATA.split('|').map((e) => e.slice(3));

const LOOKUP = new Map<string, string>();
for (const entry of DATA.split('|')) {
  const code = entry.slice(0, 2);
  const name = entry.slice(3);
  LOOKUP.set(code.toLowerCase(), name);
  LOOKUP.set(key(name), name);
}
for (const [alias, name] of Object.entries(ALIASES)) LOOKUP.set(key(alias), name);

const CODES = new Map<string, string>(DATA.split('|').map((entry) => [entry.slice(3), entry.slice(0, 2)]));

/** The ISO 3166-1 alpha-2 code of a name from the list ("United Kingdom" → "GB"). */
export function countryCode(name: string): string | undefined {
  return CODES.get(name);
}

/** Answers for values already seen: a file holds a handful of distinct countries over many rows. */
const SEEN = new Map<string, string | undefined>();

/** The list's name for a country name, alias or ISO alpha-2 code, or undefined when unknown. */
export function normaliseCountry(value: string): string | undefined {
  if (SEEN.has(value)) return SEEN.get(value);
  const name = LOOKUP.get(key(value)) ?? LOOKUP.get(key(value).replace(/^the /, ''));
  if (SEEN.size < 10_000) SEEN.set(value, name);
  return name;
}
