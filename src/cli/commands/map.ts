import { initMapping, mappingText, writeMappingFile, type MapInitResult } from '../../app/map-init.js';
import { ExitCode, UsageError } from '../../errors.js';
import { inputOptions } from '../input-flags.js';
import type { MapInitFlags } from '../options.js';
import { notAnInput } from '../parse.js';
import { printable } from '../printable.js';
import { colourFor, plural, type Io } from '../terminal.js';

/** A shell word: quoted when it needs to be. */
const word = (text: string) => (/^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** What was placed, what was not, and the command that checks the file with the mapping: on stderr. */
function summary(result: MapInitResult, file: string, output: string, flags: MapInitFlags, c: ReturnType<typeof colourFor>): string {
  const { draft, sample } = result;
  const placed = draft.columns.filter((col) => col.field);
  const open = draft.columns.filter((col) => !col.field);
  const lines = [`${printable(file, true)}: ${draft.entity} (${result.entityReason === 'given' ? '--entity' : printable(result.entityReason, true)}); ${plural(placed.length, 'column')} of ${draft.columns.length} placed`];
  if (sample.skipped) lines.push(c.yellow(`note: ${printable(sample.skipped, true)}`));
  if (sample.encodingGuessed) lines.push(c.yellow(`the file is not UTF-8: read as windows-1252 (the mapping says so in input.encoding, for validate and import)`));
  for (const col of open)
    lines.push(c.yellow(`  not placed: "${printable(col.column, true)}"${col.conflict ? ` — ${col.suggestion} too, which "${printable(col.conflict, true)}" fills: choose one` : col.suggestion ? ` — ${col.suggestion}? ${printable(col.note, true)}` : ` — ${printable(col.note, true)}`}`));
  for (const t of draft.transforms) lines.push(`  ${t.field}: read as ${t.format}`);
  for (const v of draft.values) lines.push(`  ${v.field}: ${Object.entries(v.map).map(([from, to]) => `${printable(from, true)} → ${to}`).join(', ')}`);
  if (output !== '-') {
    // The encoding, delimiter and sheet are in the mapping file's input section: validate reads them there.
    const next = ['hrsync validate', word(file), '--map', word(output), ...(flags.entity ? ['--entity', flags.entity] : [])];
    lines.push(`wrote ${printable(output, true)}${open.length ? ': decide the columns not placed (commented out in it)' : ''}; then check the file with it:`, `  ${next.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `hrsync map init FILE`: writes a mapping file for the file's header. 0 written, 3 unreadable, 64 exists (no --force), 74 not written. */
export async function mapInitCommand(file: string, flags: MapInitFlags, io: Io): Promise<number> {
  const output = flags.output;
  // --map reads a file by its name (.yaml and .yml as YAML, else JSON): any other name would be written as YAML and then refused.
  if (output !== '-' && !/\.(?:ya?ml|json)$/i.test(output))
    throw new UsageError(`--output ${output}: a mapping file is named .yaml, .yml or .json (--map reads it by that name)`, `e.g. --output ${output.replace(/(\.[^./\\]+)?$/, '.yaml')}`);
  notAnInput('--output', output, [file], io.cwd);
  const { files, read, entity } = await inputOptions(flags, io, [file]);
  const result = await initMapping(files[0]!, { ...(entity ? { entity } : {}), read: read ?? { cwd: io.cwd } });
  const heading = [
    `hrsync mapping file, written by \`hrsync map init\` from the header of ${file === '-' ? 'standard input' : file}.`,
    `Check it, then: hrsync validate ${file === '-' ? 'FILE' : word(file)} --map ${output === '-' ? 'THIS-FILE' : word(output)}. Each column maps to a canonical field (null ignores it);`,
    'the fields: docs/reference/fields.md (a name that is not a field is refused with the list of them).',
  ];
  const text = mappingText(result, output, heading);
  if (output === '-') io.stdout.write(text);
  else await writeMappingFile(output, text, io.cwd, Boolean(flags.force));
  io.stderr.write(summary(result, file, output, flags, colourFor(io.stderr, io.env)));
  return ExitCode.ok;
}
