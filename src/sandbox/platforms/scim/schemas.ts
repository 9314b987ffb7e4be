/**
 * The discovery documents of RFC 7644 §4 as this service provider serves them: /Schemas (RFC 7643 §7,
 * the attribute definitions of §8.7.1 for the attributes it stores) and /ResourceTypes (§6). Written
 * from the RFCs. `groups` on a User is in its schema only where the provider returns it (it is
 * optional, §4.1.2), and the enterprise extension only where it is offered.
 */
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
interface Attribute {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime' | 'integer';
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  description: string;
  subAttributes?: Attribute[];
  referenceTypes?: string[];
}

const attr = (name: string, description: string, more: Partial<Attribute> = {}): Attribute => ({
  name, type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', description, ...more,
});
const multi = (name: string, description: string, subs: Attribute[], more: Partial<Attribute> = {}): Attribute =>
  attr(name, description, { type: 'complex', multiValued: true, subAttributes: subs, ...more });
const typed = (what: string): Attribute[] => [
  attr('value', `The ${what}.`),
  attr('display', 'A human-readable name, primarily used for display purposes.', { mutability: 'readOnly' }),
  attr('type', `A label indicating the ${what}'s function, e.g. 'work' or 'home'.`),
  attr('primary', `Whether this is the primary ${what}.`, { type: 'boolean' }),
];

function userAttributes(groups: boolean): Attribute[] {
  return [
    attr('userName', 'Unique identifier for the User, used to authenticate.', { required: true, uniqueness: 'server' }),
    attr('name', "The components of the user's real name.", {
      type: 'complex',
      subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => attr(n, `The ${n} part of the name.`)),
    }),
    attr('displayName', 'The name of the User, suitable for display to end-users.'),
    attr('title', "The user's title, such as 'Vice President'."),
    attr('timezone', "The User's time zone in the 'Olson' time zone database format, e.g. 'America/Los_Angeles'."),
    attr('active', "A Boolean value indicating the User's administrative status.", { type: 'boolean' }),
    multi('emails', 'Email addresses for the user.', typed('email address')),
    multi('phoneNumbers', 'Phone numbers for the User.', typed('phone number')),
    multi('addresses', 'A physical mailing address for this User.', [
      ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) => attr(n, `The ${n} of the address.`)),
      attr('primary', 'Whether this is the primary address.', { type: 'boolean' }),
    ]),
    ...(groups
      ? [multi('groups', 'A list of groups to which the user belongs, either through direct membership or through nested groups.', [attr('value', "The identifier of the User's group.", { mutability: 'readOnly' }), attr('display', 'A human-readable name.', { mutability: 'readOnly' }), attr('type', "'direct' or 'indirect'.", { mutability: 'readOnly' })], { mutability: 'readOnly' })]
      : []),
  ];
}

const ENTERPRISE_ATTRIBUTES: Attribute[] = [
  attr('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
  attr('costCenter', 'Identifies the name of a cost center.'),
  attr('organization', 'Identifies the name of an organization.'),
  attr('division', 'Identifies the name of a division.'),
  attr('department', 'Identifies the name of a department.'),
  attr('manager', "The User's manager.", { type: 'complex', subAttributes: [attr('value', 'The id of the SCIM resource representing the User\'s manager.'), attr('displayName', "The displayName of the User's manager.", { mutability: 'readOnly' })] }),
];

const GROUP_ATTRIBUTES: Attribute[] = [
  attr('displayName', 'A human-readable name for the Group.', { required: true }),
  multi('members', 'A list of members of the Group.', [attr('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }), attr('display', 'A human-readable name.', { mutability: 'readOnly' }), attr('type', "'User' or 'Group'.", { mutability: 'immutable' })]),
];

export interface DiscoveryShape {
  /** Whether users carry their (read-only) groups. */
  userGroups: boolean;
  /** Whether the enterprise extension is offered. */
  enterprise: boolean;
}

const schema = (id: string, name: string, attributes: Attribute[], origin: string) => ({
  schemas: [SCHEMA], id, name, description: `${name} schema`, attributes, meta: { resourceType: 'Schema', location: `${origin}/Schemas/${id}` },
});

/** The schemas this provider serves: GET /Schemas (a ListResponse of these) or /Schemas/{id}. */
export function schemas(shape: DiscoveryShape, origin: string): Array<Record<string, unknown>> {
  return [
    schema(CORE_USER, 'User', userAttributes(shape.userGroups), origin),
    ...(shape.enterprise ? [schema(ENTERPRISE, 'EnterpriseUser', ENTERPRISE_ATTRIBUTES, origin)] : []),
    schema(CORE_GROUP, 'Group', GROUP_ATTRIBUTES, origin),
  ];
}

/** GET /ResourceTypes: where each resource lives, and its schema and extensions. */
export function resourceTypes(shape: DiscoveryShape, origin: string): Array<Record<string, unknown>> {
  const type = (id: string, endpoint: string, core: string, extensions: string[]) => ({
    schemas: [RESOURCE_TYPE], id, name: id, endpoint, description: `${id} accounts`, schema: core,
    schemaExtensions: extensions.map((s) => ({ schema: s, required: false })),
    meta: { resourceType: 'ResourceType', location: `${origin}/ResourceTypes/${id}` },
  });
  return [type('User', '/Users', CORE_USER, shape.enterprise ? [ENTERPRISE] : []), type('Group', '/Groups', CORE_GROUP, [])];
}
