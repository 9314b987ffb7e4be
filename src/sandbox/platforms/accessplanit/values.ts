/**
 * The lookup lists of an emulated accessplanit tenant: what Title, Status and Country must be one of
 * ("must already exist in the platform", platforms.md §1). They are tenant configuration, so a
 * sandbox can be given others (settings.titles …); these defaults are written from the vendor's
 * evidence and nothing else:
 * - titles: the ones the field rules name (Mr, Mrs, Ms, Miss, Dr, Mx "…") [doc]; a tenant may have more.
 * - statuses: Enabled, New (the HR guide pulls users "with status Enabled or New") and Disabled [guess].
 * - countries: country names [guess: the English short names of ISO 3166-1, as a UK-made product lists them].
 */
export const TITLES: readonly string[] = ['Mr', 'Mrs', 'Ms', 'Miss', 'Dr', 'Mx'];

export const STATUSES: readonly string[] = ['Enabled', 'New', 'Disabled'];

export const COUNTRIES: readonly string[] = `Andorra|United Arab Emirates|Afghanistan|Antigua and Barbuda|Anguilla|Albania|Armenia|Angola|Antarctica|Argentina|American Samoa|Austria|Australia|Aruba|Aland Islands|Azerbaijan|Bosnia and Herzegovina|Barbados|Bangladesh|Belgium|Burkina Faso|Bulgaria|Bahrain|Burundi|Benin|Saint Barthelemy|Bermuda|Brunei|Bolivia|Caribbean Netherlands|Brazil|Bahamas|Bhutan|Bouvet Island|Botswana|Belarus|Belize|Canada|Cocos (Keeling) Islands|Democratic Republic of the Congo|Central African Republic|Republic of the Congo|Switzerland|Cote d'Ivoire|Cook Islands|Chile|Cameroon|China|Colombia|Costa Rica|Cuba|Cape Verde|Curacao|Christmas Island|Cyprus|Czech Republic|Germany|Djibouti|Denmark|Dominica|Dominican Republic|Algeria|Ecuador|Estonia|Egypt|Western Sahara|Eritrea|Spain|Ethiopia|Finland|Fiji|Falkland Islands|Micronesia|Faroe Islands|France|Gabon|United Kingdom|Grenada|Georgia|French Guiana|Guernsey|Ghana|Gibraltar|Greenland|Gambia|Guinea|Guadeloupe|Equatorial Guinea|Greece|South Georgia and the South Sandwich Islands|Guatemala|Guam|Guinea-Bissau|Guyana|Hong Kong|Heard Island and McDonald Islands|Honduras|Croatia|Haiti|Hungary|Indonesia|Ireland|Israel|Isle of Man|India|British Indian Ocean Territory|Iraq|Iran|Iceland|Italy|Jersey|Jamaica|Jordan|Japan|Kenya|Kyrgyzstan|Cambodia|Kiribati|Comoros|Saint Kitts and Nevis|North Korea|South Korea|Kuwait|Cayman Islands|Kazakhstan|Laos|Lebanon|Saint Lucia|Liechtenstein|Sri Lanka|Liberia|Lesotho|Lithuania|Luxembourg|Latvia|Libya|Morocco|Monaco|Moldova|Montenegro|Saint Martin|Madagascar|Marshall Islands|North Macedonia|Mali|Myanmar|Mongolia|Macao|Northern Mariana Islands|Martinique|Mauritania|Montserrat|Malta|Mauritius|Maldives|Malawi|Mexico|Malaysia|Mozambique|Namibia|New Caledonia|Niger|Norfolk Island|Nigeria|Nicaragua|Netherlands|Norway|Nepal|Nauru|Niue|New Zealand|Oman|Panama|Peru|French Polynesia|Papua New Guinea|Philippines|Pakistan|Poland|Saint Pierre and Miquelon|Pitcairn Islands|Puerto Rico|Palestine|Portugal|Palau|Paraguay|Qatar|Reunion|Romania|Serbia|Russia|Rwanda|Saudi Arabia|Solomon Islands|Seychelles|Sudan|Sweden|Singapore|Saint Helena|Slovenia|Svalbard and Jan Mayen|Slovakia|Sierra Leone|San Marino|Senegal|Somalia|Suriname|South Sudan|Sao Tome and Principe|El Salvador|Sint Maarten|Syria|Eswatini|Turks and Caicos Islands|Chad|French Southern Territories|Togo|Thailand|Tajikistan|Tokelau|Timor-Leste|Turkmenistan|Tunisia|Tonga|Turkey|Trinidad and Tobago|Tuvalu|Taiwan|Tanzania|Ukraine|Uganda|United States Minor Outlying Islands|United States|Uruguay|Uzbekistan|Vatican City|Saint Vincent and the Grenadines|Venezuela|British Virgin Islands|US Virgin Islands|Vietnam|Vanuatu|Wallis and Futuna|Samoa|Kosovo|Yemen|Mayotte|South Africa|Zambia|Zimbabwe`.split('|');

/**
 * Training records (HR integration guide, seed 001, flows e–i). The delegate statuses are the five the
 * guide names (Provisional, Booked, In Progress, Completed, Cancelled) [doc]; a tenant may have more
 * [guess: none emulated — a write of another is refused]. User award statuses: 'Target' [doc], the
 * others [guess].
 */
export const DELEGATE_STATUSES: readonly string[] = ['Provisional', 'Booked', 'In Progress', 'Completed', 'Cancelled'];
export const AWARD_STATUSES: readonly string[] = ['Target', 'In Progress', 'Achieved', 'Expired'];

/** The seeded tenant's course dates (IDs as the guide's example, 12368); courses and providers [guess]. */
export const COURSE_DATES = [
  { CourseDateID: 12368, CourseID: 'FAAW', CourseName: 'First Aid at Work', Start: '2025-01-31T09:00:00', End: '2025-01-31T17:00:00', VenueName: 'Lancaster Training Centre', TrainingProviderID: 'TP1', TrainingProviderName: 'Northern First Aid Ltd' },
  { CourseDateID: 12402, CourseID: 'FLT', CourseName: 'Forklift Truck Refresher', Start: '2030-03-12T09:00:00', End: '2030-03-12T16:30:00', VenueName: 'Riverside Park Depot', TrainingProviderID: 'TP2', TrainingProviderName: 'Lift Safe Training' },
  { CourseDateID: 12417, CourseID: 'SAH1', CourseName: 'Safety at Heights Level 1', Start: '2030-04-02T09:30:00', End: '2030-04-03T13:15:00', VenueName: 'Chester Skills Hub', TrainingProviderID: 'TP2', TrainingProviderName: 'Lift Safe Training' },
  { CourseDateID: 12455, CourseID: 'FAAW', CourseName: 'First Aid at Work', Start: '2030-06-06T09:00:00', End: '2030-06-07T13:15:00', VenueName: 'Lancaster Training Centre', TrainingProviderID: 'TP1', TrainingProviderName: 'Northern First Aid Ltd' },
] as const;

/** Awards (the guide's example HOWTOILEoB, Safety at Heights Level 1) and job roles [guess: IDs]. */
export const AWARDS = [
  { AwardID: 'HOWTOILEoB', AwardLabel: 'Safety at Heights Level 1' },
  { AwardID: 'FAAWCERT', AwardLabel: 'First Aid at Work Certificate' },
  { AwardID: 'FLTLIC', AwardLabel: 'Forklift Licence' },
] as const;

export const JOB_ROLES = [
  { JobRoleID: 'WHOP', JobRoleLabel: 'Warehouse Operative' },
  { JobRoleID: 'FAID', JobRoleLabel: 'First Aider' },
  { JobRoleID: 'MGR', JobRoleLabel: 'Line Manager' },
] as const;
