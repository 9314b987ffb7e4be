import type { Entity } from './entities.js';

/**
 * The canonical vocabulary. Every input column is mapped onto one of these fields, and every target
 * converts between these fields and its own wire names. Aliases are header spellings (compared after
 * lower-casing and removing spaces, underscores, hyphens and dots) that map onto the field: every
 * platform's own wire name and the usual HR-export headers.
 */
export type FieldKind = 'string' | 'email' | 'date' | 'boolean' | 'list' | 'approvers';

export interface FieldDef {
  readonly name: string;
  readonly kind: FieldKind;
  readonly aliases: readonly string[];
  readonly description: string;
}

const f = (name: string, kind: FieldKind, description: string, aliases: string[] = []): FieldDef => ({ name, kind, aliases, description });

const ADDRESS: FieldDef[] = [
  f('address', 'string', 'street address', ['address', 'address1', 'addressline1', 'street', 'streetaddress', 'address.address1']),
  f('town', 'string', 'town or city', ['town', 'city', 'locality', 'address.city']),
  f('county', 'string', 'county, region or state', ['county', 'region', 'state', 'province', 'address.region']),
  f('postcode', 'string', 'postcode / ZIP code', ['postcode', 'postalcode', 'zipcode', 'zip', 'postcodezip', 'address.postalcode']),
  f('country', 'string', 'country name or ISO code', ['country', 'countryname', 'address.country']),
];

export const USER_FIELDS: readonly FieldDef[] = [
  f('id', 'string', "the target platform's own ID for the user", ['id', 'userid']),
  f('externalId', 'string', "the HR system's ID for the person", [
    'externalid', 'employeeid', 'employeenumber', 'employeeno', 'empid', 'employeecode', 'staffid', 'staffnumber',
    'personnelnumber', 'payrollnumber', 'payrollid', 'hrid', 'workerid',
  ]),
  f('title', 'string', 'salutation: Mr, Mrs, Ms, Miss, Dr, Mx …', ['title', 'salutation', 'honorific', 'nameprefix']),
  f('firstName', 'string', 'first name (forenames)', ['firstname', 'forenames', 'forename', 'givenname', 'first', 'fname', 'christianname']),
  f('middleName', 'string', 'middle names', ['middlename', 'middlenames', 'middle', 'middleinitial']),
  f('lastName', 'string', 'last name (surname)', ['lastname', 'surname', 'familyname', 'last', 'lname']),
  f('email', 'email', 'email address', ['email', 'emailaddress', 'workemail', 'workemailaddress', 'businessemail', 'mail', 'useremail', 'primaryemail']),
  f('phone', 'string', 'phone number', ['phone', 'phonenumber', 'telephone', 'telephonenumber', 'tel', 'workphone']),
  f('mobile', 'string', 'mobile number', ['mobile', 'mobilephone', 'mobilenumber', 'cell', 'cellphone']),
  f('jobTitle', 'string', 'job title', ['jobtitle', 'position', 'jobname', 'jobrole']),
  f('department', 'string', 'department', ['department', 'departmentname', 'dept']),
  f('businessUnit', 'string', 'business unit', ['businessunit', 'division']),
  f('costCenter', 'string', 'cost centre code', ['costcenter', 'costcentre', 'costcentercode', 'costcentrecode']),
  f('costCenterName', 'string', 'cost centre name', ['costcentername', 'costcentrename']),
  f('gender', 'string', 'gender', ['gender', 'sex']),
  f('dateOfBirth', 'date', 'date of birth, yyyy-mm-dd', ['dateofbirth', 'dob', 'birthdate', 'birthday']),
  f('birthplace', 'string', 'place of birth', ['birthplace', 'placeofbirth']),
  ...ADDRESS.slice(0, 1),
  f('houseNumber', 'string', 'house number', ['housenumber']),
  ...ADDRESS.slice(1),
  f('companyId', 'string', "ID of the user's main company/account on the target", ['maincompanyid', 'companyid', 'mainaccountid', 'accountid']),
  f('companyName', 'string', "name of the user's company", ['maincompanyname', 'companyname', 'company', 'employer', 'accountname', 'organisation', 'organization']),
  f('roleId', 'string', 'main role (level of access) ID', ['mainroleid', 'roleid']),
  f('websiteRole', 'string', 'website role: ReadOnly, User, Admin …', ['websiterole']),
  f('status', 'string', 'account status (Enabled/New/Disabled, active/inactive …)', ['status', 'userstatus', 'employmentstatus', 'active']),
  f('marketingOptIn', 'boolean', 'opted in to marketing', ['marketingoptin', 'marketing', 'optin']),
  f('startDate', 'date', 'employment start date, yyyy-mm-dd', ['startdate', 'hiredate', 'hiredat', 'employmentstartdate', 'datejoined', 'joiningdate']),
  f('endDate', 'date', 'employment end date, yyyy-mm-dd', ['enddate', 'terminationdate', 'terminatedat', 'employmentenddate', 'leavingdate', 'leavedate']),
  f('managerEmail', 'email', "the line manager's email", ['manageremail', 'linemanageremail', 'supervisoremail', 'reportstoemail']),
  f('approvers', 'approvers', 'approvers: "email" or "email:Label", several separated by ;', ['approvers']),
  f('tags', 'list', 'tags, separated by ; , or |', ['tags', 'tag']),
  f('groups', 'list', 'group names, separated by ; , or |', ['groups', 'groupnames']),
  f('userType', 'string', 'licence type of the user: Standard, Premium …', ['usertype', 'licencetype', 'licensetype', 'licence', 'license']),
  f('invite', 'boolean', 'e-mail the platform’s invitation when the user is created: true or false', ['invite', 'sendinvitation', 'sendinvite', 'invitationemail']),
  f('sites', 'list', 'the sites (of a multi-site platform) the user belongs on, separated by ; , or |', ['sites', 'site']),
];

export const COMPANY_FIELDS: readonly FieldDef[] = [
  f('id', 'string', "the target platform's own company/account ID", ['id', 'companyid', 'accountid']),
  f('externalId', 'string', "the HR system's ID for the company", ['externalid', 'companyexternalid', 'companycode']),
  f('name', 'string', 'company name', ['name', 'companyname', 'accountname', 'company', 'organisation', 'organization']),
  f('email', 'email', 'company email address', ['email', 'emailaddress']),
  f('mainContactUserId', 'string', 'user ID of the main contact', ['maincontactuserid', 'maincontactid', 'maincontact', 'contactuserid']),
  ...ADDRESS,
  f('groupIds', 'list', 'company group IDs, separated by ; , or |', ['companygroupids', 'groupids', 'accountgroupids', 'companygroupid', 'groupid', 'accountgroupid']),
];

export const GROUP_FIELDS: readonly FieldDef[] = [
  f('id', 'string', "the target platform's own company group ID", ['id', 'companygroupid', 'accountgroupid', 'groupid']),
  f('label', 'string', 'group label', ['label', 'name', 'groupname', 'grouplabel', 'companygrouplabel', 'accountgrouplabel']),
];

export const FIELDS: Record<Entity, readonly FieldDef[]> = { users: USER_FIELDS, companies: COMPANY_FIELDS, groups: GROUP_FIELDS };

/** Fields that say which entity a file holds (shared fields like id or email say nothing). */
export const DISTINCTIVE: Record<Entity, ReadonlySet<string>> = {
  users: new Set(USER_FIELDS.map((d) => d.name).filter((n) => !['id', 'externalId', 'email', 'address', 'town', 'county', 'postcode', 'country', 'companyName'].includes(n))),
  companies: new Set(['name', 'mainContactUserId', 'groupIds']),
  groups: new Set(['label']),
};

/** A platform's own field for a tenant's data (accessplanit's user custom fields): `custom.<name>`, text. */
export const CUSTOM_PREFIX = 'custom.';

export const isCustomField = (name: string): boolean => name.startsWith(CUSTOM_PREFIX) && name.length > CUSTOM_PREFIX.length;

const customDefs = new Map<string, FieldDef>();
/** The field for custom field `name` (as the column or mapping names it, without the prefix). */
export function customField(name: string): FieldDef {
  const full = `${CUSTOM_PREFIX}${name}`;
  let def = customDefs.get(full);
  if (!def) customDefs.set(full, (def = f(full, 'string', `custom field ${name}`)));
  return def;
}

export function fieldDef(entity: Entity, name: string): FieldDef | undefined {
  return FIELDS[entity].find((d) => d.name === name) ?? (isCustomField(name) ? customField(name.slice(CUSTOM_PREFIX.length)) : undefined);
}
