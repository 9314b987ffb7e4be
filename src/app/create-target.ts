import type { Dispatcher } from 'undici';
import { resolveSecret } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { parseRate } from '../shared/token-bucket.js';
import { AccessplanitTarget } from '../connectors/accessplanit/target.js';
import { AppenateTarget } from '../connectors/appenate/target.js';
import { SpringestTarget } from '../connectors/springest/target.js';
import { UnifiedTarget } from '../connectors/unified/target.js';
import type { Target } from '../core/ports.js';

export interface CreateOptions {
  env: NodeJS.ProcessEnv;
  /** Tests: a MockAgent or an Agent for every connection. */
  dispatcher?: Dispatcher;
}

/** Builds the connector for one configured target, reading its credentials from the environment. */
export function createTarget(name: string, config: TargetConfig, options: CreateOptions): Target {
  const where = (key: string) => `target "${name}": ${key}`;
  const rate = config.rateLimit === undefined ? undefined : parseRate(config.rateLimit);
  const shared = {
    name,
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
    ...(rate ? { ratePerSecond: rate } : {}),
    ...(config.timeout ? { timeoutMs: config.timeout * 1000 } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  };
  switch (config.type) {
    case 'accessplanit': {
      const apiKey = resolveSecret(config.apiKey, where('apiKey'), options.env);
      const password = resolveSecret(config.password, where('password'), options.env);
      return new AccessplanitTarget({
        ...shared,
        baseUrl: config.baseUrl,
        ...(apiKey ? { apiKey } : {}),
        ...(config.userName ? { userName: config.userName } : {}),
        ...(password ? { password } : {}),
      });
    }
    case 'appenate':
      return new AppenateTarget({ ...shared, baseUrl: config.baseUrl, companyId: String(config.companyId), integrationKey: resolveSecret(config.integrationKey, where('integrationKey'), options.env)! });
    case 'springest':
      return new SpringestTarget({
        ...shared,
        sites: Object.fromEntries(Object.entries(config.sites).map(([site, s]) => [site, { baseUrl: s.baseUrl, apiKey: resolveSecret(s.apiKey, where(`sites.${site}.apiKey`), options.env)! }])),
      });
    case 'unified':
      return new UnifiedTarget({ ...shared, baseUrl: config.baseUrl, connectionId: config.connectionId, apiKey: resolveSecret(config.apiKey, where('apiKey'), options.env)! });
  }
}
