import type { InputOptions } from '../app/validate-run.js';
import type { MappingInput } from '../core/mapping/mapping-file.js';
import { UsageError } from '../errors.js';
import { resolveEncoding } from '../io/decode.js';
import { parseDelimiterOption } from '../io/delimiter.js';
import { STDIN_NAME } from '../io/paths.js';
import type { InputFlags } from './options.js';
import type { Io } from './terminal.js';

/**
 * Flags and file arguments → the files and how to read and check them; every problem with them is a
 * usage error (exit 64). `-` is standard input, named `<stdin>` in every message.
 */
export async function inputOptions(flags: InputFlags, io: Io, files: readonly string[] = []): Promise<InputOptions & { files: string[] }> {
  const dashes = files.filter((f) => f === '-').length;
  if (dashes > 1) throw new UsageError('"-" (standard input) is given more than once: it can be read only once');
  if (dashes && !io.stdin) throw new UsageError('"-" reads standard input, and there is none here');
  let delimiter: string | undefined;
  if (flags.delimiter !== undefined) {
    delimiter = parseDelimiterOption(flags.delimiter);
    if (!delimiter) throw new UsageError(`--delimiter must be one character (or "tab"), not "${flags.delimiter}"`);
  }
  const maxErrors = Number(flags.maxErrors ?? '0');
  if (!Number.isInteger(maxErrors) || maxErrors < 0) throw new UsageError(`--max-errors must be a whole number, not "${flags.maxErrors}"`);
  const given = { encoding: flags.encoding === undefined ? undefined : resolveEncoding(flags.encoding), delimiter, sheet: flags.sheet };
  // The mapping file's reader (zod, and csv-parse for its value tables) loads only for --map.
  const loaded = flags.map === undefined ? undefined : await (await import('../core/mapping/mapping-file.js')).loadMapping(flags.map, io.cwd);
  const mapping = loaded?.mapping;
  // How the mapping file's files are read (its `input` section) unless a flag says otherwise (with -v: which did).
  const fromFile: MappingInput = loaded?.input ?? {};
  if (flags.verbose) for (const line of overridden(given, fromFile, flags.map!)) io.stderr.write(`${line}\n`);
  const encoding = given.encoding ?? fromFile.encoding;
  delimiter ??= fromFile.delimiter;
  const sheet = flags.sheet ?? fromFile.sheet;
  return {
    ...(flags.entity ? { entity: flags.entity } : {}),
    ...(mapping ? { mapping } : {}),
    read: { cwd: io.cwd, ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}), ...(sheet !== undefined ? { sheet } : {}), ...(flags.inputFormat ? { format: flags.inputFormat } : {}), ...(dashes ? { stdin: io.stdin } : {}) },
    maxErrors,
    files: files.map((f) => (f === '-' ? STDIN_NAME : f)),
  };
}

/** The flags that differ from the mapping file's `input` section, in words: "--encoding latin1 wins over mapping.yaml's input.encoding (windows-1252)". */
function overridden(given: MappingInput, input: MappingInput, source: string): string[] {
  const flag = { encoding: '--encoding', delimiter: '--delimiter', sheet: '--sheet' } as const;
  const shown = (v: string) => (v === '\t' ? 'tab' : JSON.stringify(v));
  return (Object.keys(flag) as Array<keyof typeof flag>)
    .filter((key) => given[key] !== undefined && input[key] !== undefined && given[key]!.toLowerCase() !== input[key]!.toLowerCase()) // sheet names compare ignoring case
    .map((key) => `${flag[key]} ${shown(given[key]!)} wins over ${source}'s input.${key} (${shown(input[key]!)})`);
}
