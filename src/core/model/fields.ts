import type { Entity } from './entities.js';

/**
 * The canonical vocabulary. Every input column is mapped onto one of these fields, and every target
 * converts between these fields and its own wire names. Aliases are header spellings (compared after
 * lower-casing and removing spaces, underscores, hyphens and dots) that map onto the field: every
 * platform's own wire name and the usual HR-export headers.
 */
export type FieldKind = 'string' | 'email' | 'date' | 'boolean' | 'list' | 'approvers' | 'timeZone';

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
  f('secondaryCompanyIds', 'list', "IDs of the user's companies/accounts on the target besides the main one, separated by ; , or |", ['secondarycompanyids', 'othercompanyids', 'additionalcompanyids', 'usercompaniesids']),
  f('roleId', 'string', 'main role (level of access) ID', ['mainroleid', 'roleid']),
  f('websiteRole', 'string', 'website role: ReadOnly, User, Admin …', ['websiterole']),
  f('status', 'string', 'account status (Enabled/New/Disabled, active/inactive …)', ['status', 'userstatus', 'employmentstatus', 'active']),
  f('marketingOptIn', 'boolean', 'opted in to marketing', ['marketingoptin', 'marketing', 'optin']),
  f('startDate', 'date', 'employment start date, yyyy-mm-dd', ['startdate', 'hiredate', 'hiredat', 'employmentstartdate', 'datejoined', 'joiningdate']),
  f('endDate', 'date', 'employment end date, yyyy-mm-dd', ['enddate', 'terminationdate', 'terminatedat', 'employmentenddate', 'leavingdate', 'leavedate']),
  f('timeZone', 'timeZone', 'the person’s time zone, an IANA name such as Europe/Berlin: their start and end dates are days there (default: the config’s timeZone, else UTC)', [
    'timezone', 'tz', 'timezoneid', 'timezonename', 'zoneinfo', 'ianatimezone', 'olsontimezone', 'worktimezone',
  ]),
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

/**
 * Training records (a training platform's, read back to HR). Shared names mean the same in each:
 * `userId` the platform's user ID, `courseDateStart` the course date's start as the platform writes it
 * (a date-time), `dateUpdated` when the platform last changed the record (what --since reads).
 */
const USER_REF = f('userId', 'string', "the platform's ID of the user", ['userid', 'delegateuserid', 'learnerid']);
const FULL_NAME = f('userFullName', 'string', "the user's full name", ['userfullname', 'fullname', 'delegatename', 'learnername', 'name']);
const DATE_CREATED = f('dateCreated', 'string', 'when the platform created the record (date-time)', ['datecreated', 'created', 'createdat']);
const DATE_UPDATED = f('dateUpdated', 'string', 'when the platform last changed the record (date-time)', ['dateupdated', 'updated', 'updatedat', 'lastmodified']);
const COURSE_NAME = f('courseName', 'string', 'course name', ['coursename', 'course', 'coursetitle']);
const COURSE_START = f('courseDateStart', 'string', "the course date's start (date-time)", ['coursedatestartdate', 'coursestartdate', 'coursestart', 'coursedatestart']);

export const DELEGATE_FIELDS: readonly FieldDef[] = [
  f('id', 'string', "the platform's ID of the delegate (a user on a course date), e.g. pebrid~12368", ['id', 'delegateid', 'usercoursedateid', 'bookingid']),
  USER_REF,
  f('courseDateId', 'string', "the platform's ID of the course date", ['coursedateid', 'coursedate', 'eventid']),
  f('courseDateLabel', 'string', 'the course and its date, as the platform labels it', ['coursedatedetailslabel', 'coursedatelabel', 'coursedatedetails']),
  COURSE_START,
  f('courseId', 'string', "the platform's ID of the course", ['courseid', 'coursecode']),
  COURSE_NAME,
  f('trainingProviderId', 'string', "the platform's ID of the training provider", ['trainingproviderid', 'providerid']),
  f('trainingProviderName', 'string', 'training provider', ['trainingprovidername', 'trainingprovider', 'provider']),
  FULL_NAME,
  f('email', 'email', "the delegate's email address", ['email', 'candidateemailaddress', 'emailaddress', 'delegateemail']),
  f('status', 'string', 'delegate status: Provisional, Booked, In Progress, Completed, Cancelled', ['status', 'delegatestatus', 'bookingstatus', 'decision', 'approval']),
  f('companyId', 'string', 'ID of the company/account the user booked with', ['companyid', 'accountid']),
  f('companyName', 'string', 'name of the company/account the user booked with', ['companyname', 'company', 'accountname']),
  f('managerEmails', 'string', "the user's managers' email addresses", ['managersemailaddresses', 'manageremails', 'manageremailaddresses']),
  f('description', 'string', 'the delegate, course and course date in words', ['description']),
  DATE_CREATED,
  DATE_UPDATED,
];

export const AUTHORISATION_FIELDS: readonly FieldDef[] = [
  f('id', 'string', "the platform's ID of the delegate awaiting authorisation", ['id', 'delegateid', 'usercoursedateid']),
  USER_REF,
  f('firstName', 'string', "the delegate's first name", ['userforenames', 'forenames', 'firstname']),
  f('lastName', 'string', "the delegate's last name", ['usersurname', 'surname', 'lastname']),
  COURSE_NAME,
  COURSE_START,
  f('courseDateEnd', 'string', "the course date's end (date-time)", ['coursedateenddate', 'courseenddate', 'courseend', 'coursedateend']),
  f('venueName', 'string', 'venue', ['venuename', 'venue']),
  DATE_UPDATED,
];

export const AWARD_FIELDS: readonly FieldDef[] = [
  f('id', 'string', "the platform's ID of the user's award", ['id', 'userawardid']),
  f('awardId', 'string', "the platform's ID of the award", ['awardid', 'awardcode']),
  f('awardLabel', 'string', 'award', ['awardlabel', 'award', 'awardname']),
  USER_REF,
  FULL_NAME,
  f('status', 'string', 'award status: Target, Achieved …', ['status', 'awardstatus']),
  f('targetDate', 'date', 'the date the user is to achieve the award by, yyyy-mm-dd', ['targetdate', 'target', 'duedate', 'dueby', 'deadline']),
  f('completedDate', 'date', 'the date the user achieved the award, yyyy-mm-dd', ['datecompleted', 'completeddate', 'completiondate', 'achieveddate', 'dateachieved']),
  f('expiryDate', 'date', 'the date the award expires, yyyy-mm-dd', ['expirydate', 'dateexpires', 'expires', 'expiry']),
  DATE_UPDATED,
];

export const JOBROLE_FIELDS: readonly FieldDef[] = [
  f('id', 'string', "the platform's ID of the user's job role", ['id', 'userjobroleid']),
  f('jobRoleId', 'string', "the platform's ID of the job role", ['jobroleid', 'roleid']),
  f('jobRoleLabel', 'string', 'job role', ['jobrolelabel', 'jobrole', 'jobrolename', 'role']),
  USER_REF,
  FULL_NAME,
  DATE_UPDATED,
];

export const FIELDS: Record<Entity, readonly FieldDef[]> = {
  users: USER_FIELDS, companies: COMPANY_FIELDS, groups: GROUP_FIELDS,
  delegates: DELEGATE_FIELDS, authorisations: AUTHORISATION_FIELDS, awards: AWARD_FIELDS, jobroles: JOBROLE_FIELDS,
};

/** Fields that say which entity a file holds (shared fields like id or email say nothing). */
export const DISTINCTIVE: Record<Entity, ReadonlySet<string>> = {
  users: new Set(USER_FIELDS.map((d) => d.name).filter((n) => !['id', 'externalId', 'email', 'address', 'town', 'county', 'postcode', 'country', 'companyName'].includes(n))),
  companies: new Set(['name', 'mainContactUserId', 'groupIds']),
  groups: new Set(['label']),
  delegates: new Set(['courseDateId', 'courseDateLabel', 'courseId', 'trainingProviderId', 'trainingProviderName', 'managerEmails', 'description']),
  authorisations: new Set(['courseDateEnd', 'venueName']),
  awards: new Set(['awardId', 'awardLabel', 'targetDate', 'completedDate', 'expiryDate']),
  jobroles: new Set(['jobRoleId', 'jobRoleLabel']),
};

/**
 * Fields hrsync itself reads to decide when a person's account is made and ended (joiners and leavers):
 * used whether or not the target stores them, so never an "unused" column.
 */
export const LIFECYCLE_FIELDS: ReadonlySet<string> = new Set(['startDate', 'endDate', 'timeZone']);

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
