import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse, resolve } from 'node:path';
import { lilconfig } from 'lilconfig';
import { UsageError } from '../errors.js';
import { closest } from '../shared/closest.js';
import { protoKeyPath, protoKeyRefused } from '../shared/proto-key.js';
import type { Config } from './schema.js';

export const CONFIG_NAMES = ['hrsync.config.json', 'hrsync.config.yaml', 'hrsync.config.yml'];

export interface LoadedConfig {
  path: string;
  config: Config;
}

/**
 * Where the config is, as other tools find theirs: --config; else HRSYNC_CONFIG; else the nearest
 * hrsync.config.{json,yaml,yml} in the working directory or any folder above it (lilconfig's search,
 * up to the file system's root); else none.
 */
export async function findConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string | undefined> {
  if (explicit) return resolve(cwd, explicit);
  if (env.HRSYNC_CONFIG) {
    const path = resolve(cwd, env.HRSYNC_CONFIG);
    if (!existsSync(path)) throw new UsageError(`HRSYNC_CONFIG names ${path}, which does not exist`, 'point HRSYNC_CONFIG at your hrsync.config.json, or unset it');
    return path;
  }
  // Only where the file is: it is read and checked below, with messages of hrsync's own.
  const asText = (_path: string, content: string) => content;
  try {
    const found = await lilconfig('hrsync', {
      searchPlaces: CONFIG_NAMES,
      loaders: { '.json': asText, '.yaml': asText, '.yml': asText },
      stopDir: parse(resolve(cwd)).root,
      ignoreEmptySearchPlaces: false,
      cache: false,
    }).search(cwd);
    return found?.filepath;
  } catch (error) {
    // A folder (or an unreadable file) where the config should be: said, never a crash.
    const where = (error as { path?: string }).path ?? 'the config file';
    throw new UsageError(`config file ${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'rename or remove it, or pass --config FILE');
  }
}

/**
 * The config file (see findConfig), read and checked; undefined when there is none. Its parsers (yaml)
 * and schema (zod, every connector's) are loaded only when there is a file to read.
 */
export async function loadConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<LoadedConfig | undefined> {
  const path = await findConfig(explicit, cwd, env);
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`config file ${explicit ?? path} cannot be read`);
  }
  let document: unknown;
  try {
    document = /\.ya?ml$/i.test(path) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const proto = protoKeyPath(document);
  if (proto) throw new UsageError(protoKeyRefused(path, proto), 'run `hrsync config schema` for the full schema');
  const { configSchema } = await import('./schema.js');
  const parsed = configSchema.safeParse(document);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new UsageError(`${path}: ${first.path.join('.') || '(top)'}: ${first.message}${didYouMean(document, first)}`, 'run `hrsync config schema` for the full schema');
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

/** A value the schema has a list for (a target's type) and a typo of one of them: `: did you mean "accessplanit"?`. */
function didYouMean(document: unknown, issue: { path: PropertyKey[]; options?: unknown; values?: unknown }): string {
  const list = Array.isArray(issue.options) ? issue.options : Array.isArray(issue.values) ? issue.values : [];
  const options = list.filter((o): o is string => typeof o === 'string');
  let value: unknown = document;
  for (const key of issue.path) value = value && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const near = typeof value === 'string' && options.length ? closest(value, options) : undefined;
  return near ? ` (not "${value as string}": did you mean "${near}"?)` : '';
}
