import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

export const CONFIG_NAMES = ['hrsync.config.json', 'hrsync.config.yaml', 'hrsync.config.yml'];

export interface LoadedConfig {
  path: string;
  config: Config;
}

/** The config file: --config, else the first of CONFIG_NAMES in the working directory, else none. */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<LoadedConfig | undefined> {
  const path = explicit ? resolve(cwd, explicit) : CONFIG_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p));
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`config file ${explicit ?? path} cannot be read`);
  }
  let document: unknown;
  try {
    document = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = configSchema.safeParse(document);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new UsageError(`${path}: ${first.path.join('.') || '(top)'}: ${first.message}`, 'run `hrsync config schema` for the full schema');
  }
  return { path, config: parsed.data as Config };
}

/** Reads "env:NAME" from the environment; a missing variable is a usage error naming it. */
export function resolveSecret(reference: string | undefined, where: string, env: NodeJS.ProcessEnv): string | undefined {
  if (reference === undefined) return undefined;
  const name = reference.slice('env:'.length);
  const value = env[name];
  if (value === undefined || value === '') throw new UsageError(`${where} refers to the environment variable ${name}, which is not set`, `export ${name}=… before running hrsync`);
  return value;
}
