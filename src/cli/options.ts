import { Option, type Command } from 'commander';
import { ENTITIES } from '../model/entities.js';

/**
 * Every option of every command, declared once: commander's flags and help come from here, and a test
 * checks that the README documents each one.
 */
export const OPTIONS = {
  target: {
    flags: '-t, --target <name>',
    description: 'whose field rules to apply: generic, accessplanit, appenate or springest',
    defaultValue: 'generic',
  },
  entity: { flags: '-e, --entity <entity>', description: 'what the files hold (default: inferred from the columns)', choices: ENTITIES },
  map: { flags: '-m, --map <file>', description: 'a mapping file: column names, defaults and transforms per entity' },
  encoding: { flags: '--encoding <name>', description: 'file encoding when it is not UTF-8, e.g. windows-1252, latin1, utf-16le' },
  delimiter: { flags: '-d, --delimiter <char>', description: 'CSV delimiter: , ; | or tab (default: detected)' },
  format: { flags: '-f, --format <format>', description: 'output format', choices: ['text', 'json', 'github'], defaultValue: 'text' },
  maxErrors: { flags: '--max-errors <n>', description: 'stop after this many errors (0: no limit)', defaultValue: '0' },
} as const satisfies Record<string, { flags: string; description: string; choices?: readonly string[]; defaultValue?: string }>;

export type OptionName = keyof typeof OPTIONS;

export function addOptions(command: Command, names: readonly OptionName[]): Command {
  for (const name of names) {
    const spec = OPTIONS[name] as { flags: string; description: string; choices?: readonly string[]; defaultValue?: string };
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
    command.addOption(option);
  }
  return command;
}
