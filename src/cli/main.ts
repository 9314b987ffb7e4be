import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ExitCode, HrsyncError, Interrupted } from '../errors.js';
import { packageRoot } from '../shared/package-root.js';
import { addOptions, OPTIONS, type OptionSpec } from './options.js';
import { printable } from './printable.js';
import { colourFor, debugging, processIo, type Io } from './terminal.js';

const EXAMPLES = {
  validate: `
Examples:
  $ hrsync validate users.csv                       # against the default target (or the embedded sandbox)
  $ hrsync validate groups.csv companies.csv users.csv --target lms
  $ hrsync validate users.csv --target generic      # rules only, offline
  $ hrsync validate export.csv --encoding windows-1252 --map mapping.json
  $ hrsync validate users.csv --target lms --format github           # in a CI job
  $ hrsync validate users.ndjson --format json > report.json

Exit codes: 0 valid (warnings allowed), 3 invalid, 64 usage error.`,
  import: `
Examples:
  $ hrsync import samples/users.csv                          # into the embedded sandbox: shows the plan, asks
  $ hrsync import users.csv --target lms --dry-run           # plan only
  $ hrsync import groups.csv companies.csv users.csv --target lms --yes
  $ hrsync import users.csv --dry-run --detailed-exitcode    # in CI: 0 nothing to do, 2 changes
  $ hrsync import users.csv --missing deactivate --max-missing 5%
  $ hrsync import users.csv --only E1001 --yes               # a canary run on one person
  $ hrsync import .hrsync/runs/<time>/failed.csv --yes       # retry just the failures
  $ hrsync import --from hr --target lms --since 2026-11-01 --yes   # incremental HR → LMS sync
  $ hrsync import approvals.csv --entity delegates --dry-run  # HR’s approvals: delegate statuses
  $ hrsync import award-targets.csv --yes                     # award target dates

Exit codes: 0 done, 2 changes planned (--dry-run --detailed-exitcode), 3 invalid input,
4 the target failed, 5 some rows failed or were skipped, 6 a safety limit, 64 usage, 130 Ctrl-C.`,
  export: `
Examples:
  $ hrsync export -o users.csv                                   # users of the default target (or the sandbox)
  $ hrsync export --target lms --entity companies -o companies.json
  $ hrsync export --target lms --filter status=Enabled,New --fields externalId,email,firstName,lastName
  $ hrsync export --target hr --since 2026-11-01 -o changed.ndjson
  $ hrsync export --target lms --wire -o users-platform-names.csv
  $ hrsync export --entity delegates --filter status=Provisional --since last -o requests.csv
  $ hrsync export --entity awards --filter status=Target -o targets.csv   # also authorisations, jobroles

CSV cells that a spreadsheet would run as a formula (=, +, -, @, TAB, CR first) get a leading '.`,
  sandbox: `
Examples:
  $ hrsync sandbox                                  # http://127.0.0.1:4010, the embedded sandbox of this folder
  $ hrsync sandbox --port 0 --data /tmp/sb.json     # any free port, another state file
  $ hrsync sandbox --latency 20ms,10ms --fault 503=0.05 --fault reset-after=0.02
  $ hrsync sandbox --seed ./my-seed --api-key my-key

Every platform accepts the demo key sandbox-key (or --api-key); the banner shows where each one is
and how to sign in. Stops cleanly on Ctrl-C.`,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Each command: its summary (all that `hrsync --help` needs) and how to build the rest — arguments,
 * options, help and the action. Only the command being run is built, and its module loads only when
 * it runs, so `hrsync --help` loads neither the connectors nor the emulator.
 */
const COMMANDS: Record<string, { summary: string; build(command: Command, io: Io, setExit: (code: number) => void): Promise<void> }> = {
  validate: {
    summary: 'check employee files against a platform’s field rules',
    async build(command, io, setExit) {
      addOptions(
        command
          .description('Check CSV, JSON or NDJSON files of users, companies or groups against a platform’s field rules.\nNothing is sent anywhere.')
          .argument('<files...>', 'CSV, JSON or NDJSON files (several files are checked together: references and duplicates span them)')
          .addHelpText('after', EXAMPLES.validate),
        ['target', 'config', 'entity', 'map', 'encoding', 'delimiter', 'sheet', 'format', 'maxErrors', 'report', 'verbose', 'annotate'],
        await targetHelp(),
      ).action(async (files: string[], flags) => {
        const { validateCommand } = await import('./commands/validate.js');
        setExit(await validateCommand(files, flags, io));
      });
    },
  },
  sandbox: {
    summary: 'run the local emulator of every platform hrsync speaks to',
    async build(command, io, setExit) {
      const { sandboxFlags } = await import('../sandbox/server.js');
      addOptions(
        command
          .description('Serve faithful emulations of the platforms on one local HTTP server: auth, paging, validation errors, rate limits and injectable faults. Runs until Ctrl-C.')
          .addHelpText('after', EXAMPLES.sandbox),
        ['host', 'port', 'data', 'seed', 'latency', 'fault', 'rateLimit', 'apiKey'],
        sandboxFlags(),
      ).action(async (flags) => {
        const { sandboxCommand } = await import('./commands/sandbox.js');
        setExit(await sandboxCommand(flags, io));
      });
    },
  },
  import: {
    summary: 'plan the changes a file means for a target, show them, and apply them safely',
    async build(command, io, setExit) {
      addOptions(
        command
          .description('Validate the files, read the target, plan the smallest set of writes (create, update,\ndeactivate, delete), show it, and apply it after confirmation: ordered, bounded, retried,\nwith a result for every row.')
          .argument('[files...]', 'CSV, JSON or NDJSON files of users, companies and groups (together: new companies are created before their users), or of delegate statuses or award target dates')
          .addHelpText('after', EXAMPLES.import),
        ['target', 'config', 'from', 'since', 'entity', 'map', 'encoding', 'delimiter', 'sheet', 'planFormat', 'dryRun', 'yes', 'detailedExitcode', 'out', 'match', 'missing', 'maxMissing', 'blank', 'strict', 'only', 'limit', 'concurrency', 'results', 'waitLock', 'report', 'verbose'],
        await targetHelp(),
      ).action(async (files: string[], flags) => {
        const { importCommand } = await import('./commands/import.js');
        setExit(await importCommand(files, flags, io));
      });
    },
  },
  apply: {
    summary: 'apply a saved plan exactly, refusing when the target changed since',
    async build(command, io, setExit) {
      addOptions(
        command
          .argument('<plan>', 'a plan written by hrsync import --out')
          .description('Apply the operations of a plan written by `hrsync import --out plan.json`. Every record they\ntouch is read again first; when any changed since the plan was made, nothing is written (exit 6)\nunless --force.'),
        ['config', 'force', 'concurrency', 'results', 'waitLock'],
      ).action(async (planFile: string, flags) => {
        const { applyCommand } = await import('./commands/apply.js');
        setExit(await applyCommand(planFile, flags, io));
      });
    },
  },
  export: {
    summary: 'pull users, companies, groups or training records (delegates, awards …) from a target into a file',
    async build(command, io, setExit) {
      addOptions(
        command
          .description('Read every record of an entity from a target, page by page, into CSV, JSON or NDJSON.\nThe file appears only when complete. Exit 4 when the target fails.')
          .addHelpText('after', EXAMPLES.export),
        ['target', 'config', 'exportEntity', 'output', 'exportFormat', 'fields', 'filter', 'since', 'wire'],
        await targetHelp(),
      ).action(async (flags) => {
        const { exportCommand } = await import('./commands/export.js');
        setExit(await exportCommand(flags, io));
      });
    },
  },
  targets: {
    summary: 'list the configured targets',
    async build(command, io, setExit) {
      addOptions(command.description('List the targets in hrsync.config.json (or the embedded sandbox when there is none).'), ['config', 'listFormat']).action(async (flags) => {
        const { targetsCommand } = await import('./commands/targets.js');
        setExit(await targetsCommand(flags, io));
      });
      addOptions(
        command
          .command('check')
          .argument('[name]', 'one target (default: every configured target)')
          .summary('check that targets are reachable and accept their credentials')
          .description('Sign in to each target and count its users, companies and groups where it can list them.\nExit 4 when a target fails.'),
        ['config', 'listFormat'],
      ).action(async (name: string | undefined, _flags: unknown, sub: Command) => {
        // `targets` has the same options: whichever side of "check" they were written on, they count.
        const { checkCommand } = await import('./commands/targets.js');
        setExit(await checkCommand(name, sub.optsWithGlobals(), io));
      });
    },
  },
  state: {
    summary: 'show or clear what hrsync keeps between runs (the --since last bookmarks)',
    async build(command, io, setExit) {
      addOptions(
        command
          .command('show')
          .summary('show the bookmarks')
          .description('Show where each --since last will start: per source and target (import --from) or target and entity (export).'),
        ['config', 'listFormat'],
      ).action(async (flags) => {
        const { stateShowCommand } = await import('./commands/state.js');
        setExit(await stateShowCommand(flags, io));
      });
      addOptions(
        command
          .command('reset')
          .argument('[match]', 'only the bookmarks whose source, target or key contains this (default: all)')
          .summary('clear bookmarks: the next --since last is a full run')
          .description('Clear the bookmarks (all, or those matching): the next run with --since last reads everything.'),
        ['config'],
      ).action(async (match: string | undefined, flags) => {
        const { stateResetCommand } = await import('./commands/state.js');
        setExit(await stateResetCommand(match, flags, io));
      });
    },
  },
  config: {
    summary: 'configuration helpers',
    async build(command, io, setExit) {
      command
        .command('schema')
        .description('Print the JSON Schema of hrsync.config.json, for editors ("$schema").')
        .action(async () => {
          const { schemaCommand } = await import('./commands/targets.js');
          setExit(await schemaCommand(io));
        });
    },
  },
};

/** --target's help names the rule sets the registry knows: loaded only for a command that has --target. */
async function targetHelp(): Promise<Array<[string, OptionSpec]>> {
  const { RULE_SET_NAMES } = await import('../connectors/registry.js');
  return [['target', { ...OPTIONS.target, description: `a configured target, "sandbox", or rules only: ${RULE_SET_NAMES.join(', ')} (default: the config’s defaultTarget, else the embedded sandbox)` }]];
}

/**
 * Builds the program: every command's summary, and the whole of the one named in `argv` (also after
 * "help"), so the help and the parsing of that command are exact and nothing else loads.
 */
export async function program(io: Io, setExit: (code: number) => void, argv: readonly string[] = []): Promise<Command> {
  const cli = new Command('hrsync')
    .description('Keep people data in step between HR systems and training platforms.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const wanted = words[0] === 'help' ? words[1] : words[0];
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const command = cli.command(name).summary(spec.summary);
    if (name === wanted) await spec.build(command, io, setExit);
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
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code: number = ExitCode.ok;
  const c = colourFor(io.stderr, io.env);
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
    else io.stderr.write(c.dim('this is a bug in hrsync; run with HRSYNC_DEBUG=1 for details\n'));
    return ExitCode.internal;
  }
}
