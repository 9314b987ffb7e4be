import { z } from 'zod';
import { connectionOptions, connectionSettings, secretRef } from '../config.js';
import { defineConnector } from '../types.js';
import { scimRules } from './rules.js';

const configSchema = z.strictObject({
  type: z.literal('scim'),
  baseUrl: z.string().describe('The service provider’s SCIM root, e.g. https://lms.example.com/scim/v2'),
  token: secretRef.describe('The bearer token, e.g. "env:SCIM_TOKEN"'),
  userName: z.enum(['email', 'externalId']).optional().describe('Which field becomes userName (default: email)'),
  patch: z.enum(['auto', 'never']).optional().describe('Use PATCH where /ServiceProviderConfig advertises it (auto, the default), or always replace with PUT'),
  ...connectionOptions,
});

/** SCIM 2.0 (RFC 7643/7644) service providers: users and groups, as Entra ID and Okta provision them. */
export const scim = defineConnector({
  type: 'scim',
  summary: 'SCIM 2.0 service provider (RFC 7643/7644): users and groups',
  role: 'target',
  configSchema,
  rules: scimRules,
  where: (config) => config.baseUrl,
  create: async (config, context) =>
    new (await import('./target.js')).ScimTarget({
      ...connectionSettings(config, context),
      name: context.name,
      baseUrl: config.baseUrl,
      token: context.secret(config.token, 'token'),
      ...(config.userName ? { userName: config.userName } : {}),
      ...(config.patch ? { patch: config.patch } : {}),
    }),
});
