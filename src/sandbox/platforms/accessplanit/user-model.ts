import type { PropType } from '../../odata.js';

/**
 * Every property of an accessplanit User, with its type, as the vendor's own demo client declares it
 * (accessplanit/api-v2-demo, Models/User.cs at 0189571b: 107 properties besides the client's own
 * `Module`). C# types: string → 'string', List<string> → 'list', int → 'int', bool → 'bool',
 * DateTime → 'date', Guid → 'guid'. The demo asks for all of them in every GET ($select of every
 * property name: AccessPlanitAPIClientBase.PrepareURLWithTypeProperties), so each is selectable.
 */
export const USER_MODEL: Readonly<Record<string, PropType>> = {
  ActiveCoursesCount: 'int', ActiveInvoicesCount: 'int', ActiveTasksCount: 'int', Address: 'string', AgentID: 'string',
  AlternativeAddress: 'string', AlternativeCountry: 'list', AlternativeCounty: 'string', AlternativePhone: 'string',
  AlternativePostcode: 'string', AlternativeTown: 'string', AwardsCount: 'int', BillingAddress: 'string', BillingCountry: 'list',
  BillingCounty: 'string', BillingEmail: 'string', BillingPhone: 'string', BillingPostcode: 'string', BillingTown: 'string',
  CheckSecurityOnUpdateAndDelete: 'bool', ContactMethod: 'list', CostCentre: 'string', Country: 'list', County: 'string',
  CreatedByID: 'string', CreatedByName: 'string', CurrencyID: 'list', CurrencyLabel: 'string', CurrentConfigCode: 'string',
  DailyTaskSummaryOptOut: 'bool', DateCreated: 'date', DateUpdated: 'date', DOB: 'date', EditPageMainRoleID: 'list', Email: 'string',
  EthnicOriginID: 'string', EthnicOriginLabel: 'string', ExternalID: 'string', Fax: 'string', Forenames: 'string', FullAddress: 'string',
  Fullname: 'string', HasEmail: 'bool', ID: 'string', JobTitle: 'string', LastBooking: 'date', LastLoggedOn: 'date',
  LatestCourseDateAttended: 'date', LatestCourseDateBooked: 'date', MainCompanyCompanyGroupIDs: 'string', MainCompanyGroupID: 'string',
  MainCompanyID: 'string', MainCompanyName: 'string', MainRoleID: 'list', MainRoleIsDefault: 'bool', MainRoleLabel: 'string',
  MainUserCompanyEndDate: 'date', MainUserCompanyStartDate: 'date', MainUserTypeLabel: 'string', ManagedCompaniesIDs: 'string',
  ManagedCompaniesLabels: 'string', ManagedUsersIDs: 'string', ManagedUsersNames: 'string', ManagerUsersIDs: 'string',
  ManagerUsersNames: 'string', MaritalStatus: 'string', MarketingOptIn: 'bool', MiddleNames: 'string', Mobile: 'string', MoodleID: 'int',
  MyDirectManagersEmailAddresses: 'string', MyEmployerEmailAddresses: 'string', MyManagersEmailAddresses: 'string', NationalityID: 'string',
  NationalityLabel: 'string', NINumber: 'string', NINumberNoValidation: 'string', NotesCount: 'int', OpportunitiesCount: 'int',
  PasswordExpires: 'date', Phone: 'string', Postcode: 'string', PreferredLanguageCode: 'list', PreferredLanguageName: 'string',
  PreviousMainRoleID: 'string', RestrictBooking: 'bool', SageTaxCode: 'string', Sex: 'string', ShippingAddress: 'string',
  ShippingCountry: 'list', ShippingCounty: 'string', ShippingPhone: 'string', ShippingPostcode: 'string', ShippingTown: 'string',
  SmsAuthorised: 'bool', SpecialNeedNames: 'string', Status: 'string', Surname: 'string', Tags: 'string', TaxExempt: 'bool',
  Title: 'list', Town: 'string', UniqueID: 'guid', UpdatedByID: 'string', UpdatedByName: 'string', UserCompaniesIDs: 'string',
  UsesLogDataSource: 'bool',
};

/**
 * What the platform computes or keeps itself: never set by a write [guess — the demo is silent; each is
 * a count, a label or name derived from an ID, a stamp, an address or name put together, the inverse
 * of another user's managers, or the platform's own bookkeeping]. A write naming one is refused (400
 * `X cannot be changed.`) unless the setting `readOnlyWrites` is 'ignore' — the vendor's own demo posts
 * its whole model on create (`Create<T>` serialises every property that is not null: counts as 0, dates
 * as 0001-01-01T00:00:00), which only a server that ignores them would take.
 */
export const USER_READ_ONLY: ReadonlySet<string> = new Set([
  'ActiveCoursesCount', 'ActiveInvoicesCount', 'ActiveTasksCount', 'AwardsCount', 'NotesCount', 'OpportunitiesCount',
  'CreatedByID', 'CreatedByName', 'UpdatedByID', 'UpdatedByName', 'DateCreated', 'DateUpdated', 'UniqueID',
  'Fullname', 'FullAddress', 'HasEmail', 'MainCompanyName', 'MainCompanyCompanyGroupIDs', 'MainCompanyGroupID',
  'CurrencyLabel', 'EthnicOriginLabel', 'NationalityLabel', 'MainRoleLabel', 'MainRoleIsDefault', 'MainUserTypeLabel', 'PreferredLanguageName',
  'PreviousMainRoleID', 'EditPageMainRoleID', 'CurrentConfigCode', 'ManagedCompaniesLabels', 'ManagedUsersIDs', 'ManagedUsersNames', 'ManagerUsersNames',
  'MyDirectManagersEmailAddresses', 'MyEmployerEmailAddresses', 'MyManagersEmailAddresses',
  'LastBooking', 'LastLoggedOn', 'LatestCourseDateAttended', 'LatestCourseDateBooked', 'PasswordExpires',
]);

/** The properties a write may set. */
export const USER_WRITABLE: readonly string[] = Object.keys(USER_MODEL).filter((name) => !USER_READ_ONLY.has(name));

