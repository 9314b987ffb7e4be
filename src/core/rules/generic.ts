import type { RuleSet } from './types.js';
import type { Entity } from '../model/entities.js';

/** No target: the checks every platform shares. Valid emails and dates come from the field kinds. */
export const genericRules: Record<Entity, RuleSet> = {
  users: {
    name: 'generic',
    entity: 'users',
    accepts: 'all',
    fields: { firstName: { required: true }, lastName: { required: true } },
    unique: ['id', 'externalId', 'email'],
  },
  companies: { name: 'generic', entity: 'companies', accepts: 'all', fields: { name: { required: true } }, unique: ['id', 'externalId'] },
  groups: { name: 'generic', entity: 'groups', accepts: 'all', fields: { label: { required: true } }, unique: ['id'] },
  delegates: { name: 'generic', entity: 'delegates', accepts: 'all', fields: {}, unique: ['id'] },
  authorisations: { name: 'generic', entity: 'authorisations', accepts: 'all', fields: {}, unique: ['id'] },
  awards: { name: 'generic', entity: 'awards', accepts: 'all', fields: {}, unique: ['id'] },
  jobroles: { name: 'generic', entity: 'jobroles', accepts: 'all', fields: {}, unique: ['id'] },
};
