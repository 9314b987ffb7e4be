import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, Command, CommanderError } from 'commander';
import { ExitCode, HrsyncError, Interrupted } from '../errors.js';
import { packageRoot } from '../shared/package-root.js';
import type { TargetTaking } from './accepted-targets.js';
import { configFlag, helpWanted } from './config-flag.js';
import { commandPath, configureHelp, HELP, renderExamples } from './help.js';
import {
  addOptions, APPLY_OPTIONS, EXPORT_OPTIONS, HISTORY_OPTIONS, IMPORT_OPTIONS, LISTING_OPTIONS, MAP_INIT_OPTIONS, OPTIONS, PERSON_HISTORY_OPTIONS, SANDBOX_OPTIONS, UNDO_OPTIONS, VALIDATE_OPTIONS,
  type ApplyFlags, type ExportFlags, type HistoryFlags, type ImportFlags, type ListingFlags, type MapInitFlags, type OptionSpec, type PersonHistoryFlags, type SandboxFlags, type UndoFlags, type ValidateFlags,
} from './options.js';
import { printable } from './printable.js';
import { quietStream } from './quiet.js';
import { colourFor, debugging, loadColours, processIo, type Io, type OutStream } from './terminal.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** What building a command may use: the run's streams and environment, its exit code, and the whole argv. */
interface BuildContext {
  io: Io;
  setExit(code: number): void;
  argv: readonly string[];
  /** Every command is being built, for a completion script. */
  all: boolean;
}

interface CommandSpec {
  summary: string;
  /** Subcommands ("check [name]": summary), listed with the top-level help whether or not this command is built. */
  subcommands?: Record<string, string>;
  hidden?: boolean;
  build(command: Command, context: BuildContext): Promise<void>;
}

/** The subcommand of `command` named `name` (declared with its summary by program()). */
const sub = (command: Command, name: string): Command => command.commands.find((c) => c.name() === name)!;

/**
 * --target's help for a command, naming the config's targets and the rule sets: built only when help
 * may be shown (it reads the config and loads every connector); otherwise the option's plain text.
 */
async function targetOption(which: TargetTaking, { io, argv, all }: BuildContext): Promise<[string, OptionSpec]> {
  if (!all && !helpWanted(argv)) return which === 'from' ? ['from', OPTIONS.from] : ['target', OPTIONS.target];
  const { acceptedTargets } = await import('./accepted-targets.js');
  const accepted = await acceptedTargets(which, io, configFlag(argv));
  return which === 'from' ? ['from', { ...OPTIONS.from, description: accepted.help }] : ['target', { ...OPTIONS.target, description: accepted.help }];
}

/**
 * Each command: its summary (all that `hrsync --help` needs) and how to build the rest — arguments,
 * options, help and the action. Only the command being run is built, and its module loads only when
 * it runs, so `hrsync --help` loads neither the connectors nor the emulator.
 */
const COMMANDS: Record<string, CommandSpec> = {
  validate: {
    summary: 'check employee files against a platform’s field rules',
    async build(command, context) {
      const { io, setExit } = context;
      addOptions(
        command
          .description('Check CSV, JSON, NDJSON or Excel (.xlsx) files of users, companies or groups against a platform’s field rules. Nothing is sent anywhere.')
          .argument('<files...>', 'CSV, JSON, NDJSON or .xlsx files, - for standard input (several files are checked together: references and duplicates span them)'),
        VALIDATE_OPTIONS,
        [await targetOption('validate', context)],
      ).action(async (files: string[], flags: ValidateFlags) => {
        const { validateCommand } = await import('./commands/validate.js');
        setExit(await validateCommand(files, flags, io));
      });
    },
  },
  sandbox: {
    summary: 'run the local emulator of every platform hrsync speaks to',
    async build(command, { io, setExit }) {
      const { sandboxFlags } = await import('../sandbox/server.js');
      const { FAULT_HELP } = await import('../sandbox/faults.js');
      addOptions(
        command.description('Serve faithful emulations of the platforms on one local HTTP server: auth, paging, validation errors, rate limits and injectable faults. Runs until Ctrl-C.'),
        SANDBOX_OPTIONS,
        [['fault', { ...OPTIONS.fault, description: FAULT_HELP }], ...sandboxFlags()],
      ).action(async (flags: SandboxFlags) => {
        const { sandboxCommand } = await import('./commands/sandbox.js');
        setExit(await sandboxCommand(flags, io));
      });
    },
  },
  import: {
    summary: 'plan the changes a file means for a target, show them, and apply them safely',
    async build(command, context) {
      const { io, setExit } = context;
      addOptions(
        command
          .description('Validate the files, read the target, plan the smallest set of writes (create, update, deactivate, delete), show it, and apply it after confirmation: ordered, bounded, retried, with a result for every row.')
          .argument('[files...]', 'CSV, JSON, NDJSON or .xlsx files of users, companies and groups, - for standard input (together: new companies are created before their users), or of delegate statuses or award target dates'),
        IMPORT_OPTIONS,
        [await targetOption('import', context), await targetOption('from', context)],
      ).action(async (files: string[], flags: ImportFlags) => {
        const { importCommand } = await import('./commands/import.js');
        setExit(await writing(io, !flags.dryRun, () => importCommand(files, flags, io)));
      });
    },
  },
  apply: {
    summary: 'apply a saved plan exactly, refusing when the target changed since',
    async build(command, { io, setExit }) {
      addOptions(
        command
          .argument('<plan>', 'a plan written by hrsync import --out')
          .description('Apply the operations of a plan written by `hrsync import --out plan.json`. Every record they touch is read again first; when any changed since the plan was made, nothing is written (exit 6) unless --force.'),
        APPLY_OPTIONS,
      ).action(async (planFile: string, flags: ApplyFlags) => {
        const { applyCommand } = await import('./commands/apply.js');
        setExit(await writing(io, true, () => applyCommand(planFile, flags, io)));
      });
    },
  },
  undo: {
    summary: 'put back what a run changed, checked against the target as it is now',
    async build(command, { io, setExit }) {
      addOptions(
        command
          .argument('<run>', 'the run’s folder, as the run printed it (.hrsync/runs/<time>), or its id from hrsync state history')
          .description('Plan the writes that put back what a run changed — updated fields to their values before, created records deactivated (or deleted with --delete), deactivated records reactivated, deleted records made again where the platform can — checked against the target as it is now: a field changed since the run is a conflict, never overwritten. Shown as a plan, applied like one (lock, results, journal), and itself undoable; undoing a run twice does nothing the second time.'),
        UNDO_OPTIONS,
      ).action(async (run: string, flags: UndoFlags) => {
        const { undoCommand } = await import('./commands/undo.js');
        setExit(await writing(io, !flags.dryRun, () => undoCommand(run, flags, io)));
      });
    },
  },
  history: {
    summary: 'one person’s changes across runs: what changed, from → to, which run, which file and line',
    async build(command, { io, setExit }) {
      addOptions(
        command
          .argument('<key>', 'the person’s key as runs name it (externalId=E1001), or its value alone (E1001, an email, a target id)')
          .description('One record’s timeline across the runs the state history keeps (either backend): each write of each run — its action and fields from → to, the run (its id and exit code), the input file and line it came from — oldest first.'),
        PERSON_HISTORY_OPTIONS,
      ).action(async (key: string, flags: PersonHistoryFlags) => {
        const { personHistoryCommand } = await import('./commands/history.js');
        setExit(await personHistoryCommand(key, flags, io));
      });
    },
  },
  export: {
    summary: 'pull users, companies, groups or training records (delegates, awards …) from a target into a file',
    async build(command, context) {
      const { io, setExit } = context;
      addOptions(
        command.description('Read every record of an entity from a target, page by page, into CSV, JSON or NDJSON. The file appears only when complete. Exit 4 when the target fails.'),
        EXPORT_OPTIONS,
        [await targetOption('export', context)],
      ).action(async (flags: ExportFlags) => {
        const { exportCommand } = await import('./commands/export.js');
        setExit(await exportCommand(flags, io));
      });
    },
  },
  targets: {
    summary: 'list the configured targets',
    subcommands: { 'check [name]': 'sign in to each target (or the one named), count its records, and report each' },
    async build(command, { io, setExit }) {
      addOptions(command.description('List the targets in hrsync.config.json (or the embedded sandbox when there is none).'), LISTING_OPTIONS).action(async (flags: ListingFlags) => {
        const { targetsCommand } = await import('./commands/targets.js');
        setExit(await targetsCommand(flags, io));
      });
      addOptions(
        sub(command, 'check').description('Sign in to each target and count its users, companies and groups where it can list them. Every target is checked and reported, whatever happens to the others.'),
        LISTING_OPTIONS,
      ).action(async (name: string | undefined, _flags: unknown, check: Command) => {
        // `targets` has the same options: whichever side of "check" they were written on, they count.
        const { checkCommand } = await import('./commands/targets.js');
        setExit(await checkCommand(name, check.optsWithGlobals<ListingFlags>(), io));
      });
    },
  },
  state: {
    summary: 'show, clear or set up what hrsync keeps between runs: bookmarks, last-sent fingerprints, locks, run history',
    subcommands: {
      show: 'show the bookmarks, what was last sent, and the locks held',
      'reset [match]': 'clear bookmarks (all, or those matching): the next --since last is a full run',
      'history [target]': 'the last runs that wrote: when, target, counts, exit code',
      migrate: 'create or update the state database’s schema (also done on first use)',
    },
    async build(command, { io, setExit }) {
      addOptions(
        sub(command, 'show').description('Show where the state is kept (the config’s "state": a folder, or PostgreSQL), where each --since last will start (per source and target, or per target and entity), how many last-sent fingerprints each target that cannot be listed has, and the locks held now.'),
        LISTING_OPTIONS,
      ).action(async (flags: ListingFlags) => {
        const { stateShowCommand } = await import('./commands/state.js');
        setExit(await stateShowCommand(flags, io));
      });
      addOptions(
        sub(command, 'reset').description('Clear the bookmarks — all, or those whose source, target or key contains MATCH: the next run with --since last reads everything.'),
        LISTING_OPTIONS,
      ).action(async (match: string | undefined, flags: ListingFlags) => {
        const { stateResetCommand } = await import('./commands/state.js');
        setExit(await stateResetCommand(match, flags, io));
      });
      addOptions(
        sub(command, 'history').description('The last runs that wrote to a target or moved a bookmark (import and apply, export --since last), newest first: when, the target, the counts, the exit code, the host — of every target, or of the one named.'),
        HISTORY_OPTIONS,
      ).action(async (target: string | undefined, flags: HistoryFlags) => {
        const { stateHistoryCommand } = await import('./commands/state.js');
        setExit(await stateHistoryCommand(target, flags, io));
      });
      addOptions(
        sub(command, 'migrate').description('Create the state schema in the PostgreSQL database the config names, or bring it up to date; hrsync also does it on first use, and running it again changes nothing. The dir backend needs none.'),
        LISTING_OPTIONS,
      ).action(async (flags: ListingFlags) => {
        const { stateMigrateCommand } = await import('./commands/state.js');
        setExit(await stateMigrateCommand(flags, io));
      });
    },
  },
  map: {
    summary: 'mapping file helpers',
    subcommands: { 'init <file>': 'write a mapping file from a file’s header: the columns hrsync places, and suggestions for the rest' },
    async build(command, { io, setExit }) {
      addOptions(
        sub(command, 'init').description(
          'Read the header (and the first rows) of a CSV, JSON, NDJSON or .xlsx file and write a mapping file for it: each column hrsync can place on a field — by name, alias, or an HR system’s header in German, French, Dutch or Spanish — with a comment saying how; the columns it cannot place commented out, with the field they may be; date formats and status words of the rows read as transforms and value lookups. Never replaces a file without --force.',
        ),
        MAP_INIT_OPTIONS,
      ).action(async (file: string, flags: MapInitFlags) => {
        const { mapInitCommand } = await import('./commands/map.js');
        setExit(await mapInitCommand(file, flags, io));
      });
    },
  },
  config: {
    summary: 'configuration helpers',
    subcommands: { schema: 'print the JSON Schema of hrsync.config.json, for editors' },
    async build(command, { io, setExit }) {
      sub(command, 'schema')
        .description('Print the JSON Schema of hrsync.config.json, for editors ("$schema").')
        .action(async () => {
          const { schemaCommand } = await import('./commands/targets.js');
          setExit(await schemaCommand(io));
        });
    },
  },
  version: {
    summary: 'print hrsync’s version (as --version does), or with --format json the Node version and platform too',
    async build(command, { io, setExit }) {
      addOptions(command.description('Print the version of hrsync, as --version does; --format json adds the Node.js version and the platform, for a bug report.'), ['listFormat']).action((flags: { format: string }) => {
        const about = { version: version(), node: process.version, platform: process.platform, arch: process.arch };
        io.stdout.write(flags.format === 'json' ? `${JSON.stringify(about, null, 2)}\n` : `${about.version}\n`);
        setExit(ExitCode.ok);
      });
    },
  },
  completion: {
    summary: 'print a shell completion script: bash, zsh or fish',
    async build(command, { io, setExit, argv }) {
      command
        .description('Print a completion script for your shell, generated from this version of hrsync: its commands, options and their values, and the --target names of the config where you press TAB.')
        .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
        .action(async (shell: Shell) => {
          const { completionScript } = await import('./commands/completion.js');
          io.stdout.write(completionScript(shell, await program(io, () => {}, argv, { all: true })));
          setExit(ExitCode.ok);
        });
    },
  },
  // What a completion script asks for: the names a command's --target (or --from) accepts, one a line.
  __targets: {
    summary: 'the names --target accepts, for completion',
    hidden: true,
    async build(command, { io, setExit }) {
      addOptions(command.addArgument(new Argument('<command>').choices(['validate', 'import', 'export', 'from'])), ['config']).action(async (which: TargetTaking, flags: { config?: string }) => {
        const { acceptedTargets } = await import('./accepted-targets.js');
        const { names } = await acceptedTargets(which, io, flags.config);
        io.stdout.write(names.map((n) => `${printable(n, true)}\n`).join(''));
        setExit(ExitCode.ok);
      });
    },
  },
};

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** Runs a command that may write to a target: a reader closing the pipe must not cut it short (see processIo). */
async function writing(io: Io, writes: boolean, run: () => Promise<number>): Promise<number> {
  const release = writes ? io.holdOpen?.() : undefined;
  try {
    return await run();
  } finally {
    release?.();
  }
}

/** The width help is laid out in: the terminal's, when the stream is one that has a size. */
const widthOf = (stream: OutStream): number | undefined => (stream.isTTY && stream.columns ? stream.columns : undefined);

/**
 * Builds the program: every command's summary, and the whole of the one named in `argv` (also after
 * "help"), so the help and the parsing of that command are exact and nothing else loads — or every
 * command (`all`: for a completion script).
 */
export async function program(io: Io, setExit: (code: number) => void, argv: readonly string[] = [], options: { all?: boolean } = {}): Promise<Command> {
  const cli = new Command('hrsync')
    .description('Keep people data in step between HR systems and training platforms.')
    .version(version(), '-V, --version')
    .option('-q, --quiet', 'print nothing on stderr but errors (the output on stdout is unchanged)')
    .option('-v, --verbose', 'list everything — every issue, every planned change, the locks of other projects — not the first few (where a command shortens nothing, it changes nothing)')
    .option('--debug', 'on stderr, each HTTP request (its secrets removed) and the stack of an internal error; the same as HRSYNC_DEBUG=http')
    .option('--no-color', 'no colour in the output (also NO_COLOR=1 or FORCE_COLOR=0)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => widthOf(io.stdout) ?? 80,
      getErrHelpWidth: () => widthOf(io.stderr) ?? 80,
    })
    .exitOverride();
  configureHelp(cli);
  // --quiet, --verbose, --debug and --no-color, wherever they were written, before any command runs.
  cli.hook('preAction', (_cli, action) => {
    const global = action.optsWithGlobals<{ quiet?: boolean; color?: boolean; verbose?: boolean; debug?: boolean }>();
    if (global.color === false) io.env = { ...io.env, FORCE_COLOR: '0' };
    if (global.quiet) io.stderr = quietStream(io.stderr);
    // Written before the command's name, -v is the program's: the command's action finds it among its own flags.
    if (global.verbose) action.setOptionValue('verbose', true);
    if (global.debug) io.env = { ...io.env, HRSYNC_DEBUG: [io.env.HRSYNC_DEBUG, 'http'].filter(Boolean).join(',') };
  });
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const wanted = words[0] === 'help' ? words[1] : words.find((w) => Object.hasOwn(COMMANDS, w));
  const context: BuildContext = { io, setExit, argv, all: Boolean(options.all) };
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const command = cli.command(name, { hidden: Boolean(spec.hidden) }).summary(spec.summary);
    for (const [subcommand, summary] of Object.entries(spec.subcommands ?? {})) command.command(subcommand).summary(summary);
    if (options.all || name === wanted) await spec.build(command, context);
  }
  for (const c of [cli, ...cli.commands.flatMap((command) => [command, ...command.commands])]) {
    const help = HELP[commandPath(c)];
    if (help) c.addHelpText('after', ({ error }) => renderExamples(help, widthOf(error ? io.stderr : io.stdout) ?? 80));
  }
  return cli;
}

/** Node's own debug output for these prints every request's URL, keys included: hrsync will not run with it. */
const LEAKY_DEBUG = ['undici', 'fetch', 'http', 'https', 'http2', 'net', 'tls', 'websocket'];

/**
 * Whether NODE_DEBUG turns on any of them, read as Node reads it (lib/internal/util/debuglog.js):
 * comma-separated names, matched whole and ignoring case, `*` a wildcard — so `und*` and `*` count.
 */
function leakyDebug(value: string): boolean {
  return value.split(',').map((item) => item.trim()).filter(Boolean).some((item) => {
    const pattern = new RegExp(`^${item.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    return LEAKY_DEBUG.some((name) => pattern.test(name));
  });
}

/** The one place that turns outcomes into exit codes. Returns the code; bin/hrsync.js sets it. */
export async function main(argv: string[], given: Io = processIo()): Promise<number> {
  let code: number = ExitCode.ok;
  // The run's own Io: --quiet and --no-color change its stderr and environment (see program()).
  const io: Io = { ...given };
  await loadColours(io);
  let c = colourFor(io.stderr, io.env);
  if (io.env.NODE_DEBUG && leakyDebug(io.env.NODE_DEBUG)) {
    io.stderr.write(`${c.red('error:')} NODE_DEBUG=${printable(io.env.NODE_DEBUG, true)} makes Node print every request with its URL and headers, credentials included: hrsync does not run with it\n`);
    io.stderr.write(`${c.dim('hint: unset NODE_DEBUG; HRSYNC_DEBUG=http prints each request with its secrets removed')}\n`);
    return ExitCode.usage;
  }
  const cli = await program(io, (c) => (code = c), argv);
  try {
    if (argv.length <= 2) {
      cli.outputHelp();
      return ExitCode.ok;
    }
    await cli.parseAsync(argv);
    return code;
  } catch (error) {
    c = colourFor(io.stderr, io.env);
    if (error instanceof CommanderError) {
      // Help and version "errors" are successes; anything else commander rejects is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof HrsyncError) {
      io.stderr.write(`${error instanceof Interrupted ? c.yellow('stopped:') : c.red('error:')} ${printable(error.message)}\n`);
      if (error.hint) io.stderr.write(`${c.dim(`hint: ${printable(error.hint)}`)}\n`);
      return error.exitCode;
    }
    io.stderr.write(`${c.red('internal error:')} ${printable(error instanceof Error ? error.message : String(error))}\n`);
    if (debugging(io.env, 'stack') && error instanceof Error) io.stderr.write(`${printable(error.stack ?? '')}\n`);
    else io.stderr.write(c.dim('this is a bug in hrsync; run again with --debug (or HRSYNC_DEBUG=1) for details\n'));
    return ExitCode.internal;
  }
}
