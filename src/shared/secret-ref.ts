import { z } from 'zod';

/** Credentials are never written in the config: only a reference to an environment variable. */
export const secretRef = z
  .string()
  .regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, { error: 'credentials go in the environment: write "env:NAME" and set NAME' })
  .describe('A reference to an environment variable holding the secret, e.g. "env:AP_KEY"');
