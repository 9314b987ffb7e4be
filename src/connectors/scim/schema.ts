import { identityOptions } from '../config-schema.js';
import { z } from 'zod';
import { connectionOptions, lifecycleOptions, secretRef } from '../config-schema.js';

/** One `scim` target in the config (loaded only when a config is read: see ConnectorDefinition). */
export const configSchema = z.strictObject({
  type: z.literal('scim'),
  baseUrl: z.string().describe('The service provider’s SCIM root, e.g. https://lms.example.com/scim/v2'),
  token: secretRef.describe('The bearer token, e.g. "env:SCIM_TOKEN"'),
  userName: z.enum(['email', 'externalId']).optional().describe('Which field becomes userName (default: email)'),
  patch: z.enum(['auto', 'never', 'always']).optional().describe('PATCH where /ServiceProviderConfig advertises it (auto, the default), never (replace with PUT), or always (whatever discovery says)'),
  filter: z.enum(['auto', 'never']).optional().describe('Look records up with filters where /ServiceProviderConfig offers them (auto, the default), or read the list and match (never)'),
  bulk: z.enum(['auto', 'never']).optional().describe('Group writes into /Bulk requests where /ServiceProviderConfig offers it (auto, the default), within its maxOperations and maxPayloadSize, or never'),
  displayName: z.enum(['derive', 'none']).optional().describe('When a name part is written, displayName and name.formatted follow it (derive, the default), or are left as the provider has them (none)'),
  ...identityOptions,
  ...connectionOptions,
  ...lifecycleOptions,
});
