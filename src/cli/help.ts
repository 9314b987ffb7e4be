import { Help, type Command, type Option } from 'commander';

/** One example: the command line, and what it does. */
type Example = readonly [command: string, comment?: string];

interface CommandHelp {
  examples: readonly Example[];
  /** A paragraph after the examples (or alone, for the top level). */
  after?: string;
}

/** Every command's examples (and a closing note), by its path: a test checks that each command has some. */
export const HELP: Record<string, CommandHelp> = {
  '': { examples: [], after: '-q, --quiet, -v, --verbose, --debug and --no-color work with every command; `hrsync COMMAND --help` shows its options and examples.' },
  validate: {
    examples: [
      ['hrsync validate users.csv', 'the default target’s rules (offline with no config)'],
      ['hrsync validate groups.csv companies.csv users.csv --target lms'],
      ['hrsync validate users.csv --target generic', 'rules only, offline'],
      ['hrsync validate export.csv --encoding windows-1252 --map mapping.json'],
      ['hrsync validate users.csv --target lms --format github', 'in a CI job'],
      ['hrsync validate users.ndjson --format json > report.json'],
      ['curl -s https://hr.example.com/users.csv | hrsync validate -', 'standard input'],
      ['hrsync validate staff.xlsx --sheet Staff --annotate fix-me.xlsx', 'the workbook back with an "hrsync errors" column'],
      ['hrsync validate staff.csv --encoding windows-1252 --annotate fix-me.csv', 'a CSV back in its own encoding, delimiter, line ends'],
      ['hrsync validate users.csv --report report.html', 'one HTML page: the issues charted, explained and by row, the rows with errors to download'],
    ],
    after: 'Exit codes: 0 valid (warnings allowed), 3 invalid, 64 usage error.',
  },
  import: {
    examples: [
      ['hrsync import samples/users.csv', 'into the embedded sandbox: shows the plan, asks'],
      ['hrsync import users.csv --target lms --dry-run', 'plan only'],
      ['hrsync import groups.csv companies.csv users.csv --target lms --yes'],
      ['hrsync import users.csv --dry-run --detailed-exitcode', 'in CI: 0 nothing to do, 2 changes'],
      ['hrsync import users.csv --missing deactivate --max-missing 5%'],
      ['hrsync import users.csv --dry-run --as-of 2027-03-01', 'what Monday’s run will do: joiners and leavers then'],
      ['hrsync import users.csv --where department=Sales,Support --mode create,update', 'only those departments; never take anyone down'],
      ['hrsync import users.csv --only E1001 --yes', 'a canary run on one person'],
      ['hrsync import .hrsync/runs/<time>/failed.csv --yes', 'retry just the failures'],
      ['hrsync import staff.csv --yes --failed-xlsx', 'the failures as failed.xlsx too, for HR'],
      ['hrsync import --from hr --target lms --since 2026-11-01 --yes', 'incremental HR → LMS sync'],
      ['hrsync import --from hr --target lms --map hr-map.json --since last --yes', 'nightly: what changed since the last good run'],
      ['hrsync import approvals.csv --entity delegates --dry-run', 'HR’s approvals: delegate statuses'],
      ['hrsync import award-targets.csv --yes', 'award target dates'],
    ],
    after:
      'Exit codes: 0 done, 2 changes planned (--dry-run --detailed-exitcode), 3 invalid input, 4 the target failed, 5 some rows failed or were skipped, 6 a safety limit, 64 usage, 130 Ctrl-C.',
  },
  apply: {
    examples: [
      ['hrsync import users.csv --target lms --dry-run --out plan.json', 'review plan.json, e.g. in a pull request'],
      ['hrsync apply plan.json', 'later: exactly that, or nothing (exit 6)'],
      ['hrsync apply plan.json --force', 'even though records changed since'],
    ],
    after: 'Exit codes as for import; 6 when a record changed since the plan was made.',
  },
  undo: {
    examples: [
      ['hrsync undo .hrsync/runs/2026-12-05T02-00-01-123Z --dry-run', 'what putting that run back would write'],
      ['hrsync undo 2026-12-05T02-00-01-123Z-a1b2 --yes', 'by its id (hrsync state history)'],
      ['hrsync undo <run> --delete --yes', 'delete the records it created instead of deactivating them'],
    ],
    after: 'Exit codes as for import: 5 when a conflict (a field changed since the run) was left as it is; 6 when the run wrote to another account.',
  },
  history: {
    examples: [
      ['hrsync history E1001', 'every write to that person, oldest first'],
      ['hrsync history externalId=E1001 --format json'],
    ],
  },
  export: {
    examples: [
      ['hrsync export -o users.csv', 'users of the default target (or the sandbox)'],
      ['hrsync export --target lms --entity companies -o companies.json'],
      ['hrsync export --target lms --filter status=Enabled,New --fields externalId,email,firstName,lastName'],
      ['hrsync export --target hr --since 2026-11-01 -o changed.ndjson'],
      ['hrsync export --target hr --since last -o changed.csv', 'what changed since the last such export'],
      ['hrsync export --target lms -o users.xlsx', 'an Excel workbook'],
      ['hrsync export --target lms -o users.csv --csv-dialect excel', 'CSV for Excel: UTF-8 with a BOM, ;, CRLF'],
      ['hrsync export --target lms -o feed.csv --csv-dialect machine', 'for a program: no \' before formulas'],
      ['hrsync export --entity delegates --filter status=Provisional --since last -o requests.csv'],
      ['hrsync export --entity awards --filter status=Target -o targets.xlsx', 'also authorisations, jobroles'],
      ['hrsync export --target lms --wire -o users-platform-names.csv'],
      ['hrsync export --target lms | head -5', 'CSV on standard output'],
    ],
    after: 'CSV cells that a spreadsheet would run as a formula (=, +, -, @, TAB, CR first) get a leading \'.',
  },
  sandbox: {
    examples: [
      ['hrsync sandbox', 'http://127.0.0.1:4010, the embedded sandbox of this folder'],
      ['hrsync sandbox --port 0 --data /tmp/sb.json', 'any free port, another state file'],
      ['hrsync sandbox --latency 20ms,10ms --fault 503=0.05 --fault reset-after=0.02'],
      ['hrsync sandbox --seed ./my-seed --api-key my-key'],
    ],
    after: 'Every platform accepts the demo key sandbox-key (or --api-key); the banner shows where each one is and how to sign in. Stops cleanly on Ctrl-C.',
  },
  targets: {
    examples: [
      ['hrsync targets', 'the configured targets; * marks the default'],
      ['hrsync targets --format json'],
      ['hrsync targets check', 'sign in to each target and count its records'],
    ],
  },
  'targets check': {
    examples: [
      ['hrsync targets check', 'every configured target, each reported'],
      ['hrsync targets check lms'],
      ['hrsync targets check --format json', 'for monitoring: {"ok": …, "targets": [ … ]}'],
    ],
    after: 'Exit codes: 0 every target answered, 4 one failed, 64 one is misconfigured (e.g. an environment variable not set).',
  },
  state: {
    examples: [
      ['hrsync state show'],
      ['hrsync state reset hr', 'the next --since last from hr is a full run'],
      ['hrsync state history', 'the last runs, newest first'],
      ['hrsync state migrate', 'set up the PostgreSQL state (also done on first use)'],
    ],
    after: 'The config’s "state" says where: {"type": "dir"} (.hrsync/state beside it, the default) or {"type": "postgres", "url": "env:HRSYNC_STATE_URL"}, shared by every runner.',
  },
  'state show': { examples: [['hrsync state show'], ['hrsync state show --format json']] },
  'state reset': { examples: [['hrsync state reset', 'every bookmark'], ['hrsync state reset hr', 'those naming hr'], ['hrsync state reset hr --format json', '{"match": "hr", "cleared": 1, …}']] },
  'state history': {
    examples: [
      ['hrsync state history', 'the last 20 runs of every target'],
      ['hrsync state history lms --limit 5'],
      ['hrsync state history --format json', 'for monitoring: {"runs": [{"at", "target", "counts", "exitCode", …}]}'],
    ],
  },
  'state migrate': {
    examples: [
      ['HRSYNC_STATE_URL=postgres://hrsync:…@db:5432/hrsync hrsync state migrate', 'once, before the first nightly run (optional)'],
      ['hrsync state migrate --format json', '{"from": 0, "to": 1} the first time, {"from": 1, "to": 1} after'],
    ],
    after: 'Exit codes: 0 done (or nothing to do), 4 the database cannot be reached or refused the credentials, 64 a bad URL or a variable not set.',
  },
  map: {
    examples: [
      ['hrsync map init export.csv', 'writes mapping.yaml from its header'],
      ['hrsync validate export.csv --map mapping.yaml', 'then check the file with it'],
    ],
  },
  'map init': {
    examples: [
      ['hrsync map init personio-export.csv', 'mapping.yaml: each column placed, with how it was recognised; the rest commented out, with suggestions'],
      ['hrsync map init export.csv --encoding windows-1252 -o hr-map.yaml', 'the encoding (and a delimiter other than ,) go into its input: section'],
      ['hrsync map init staff.xlsx --sheet Staff -o - | less', 'to standard output'],
      ['hrsync map init companies.csv --entity companies -o companies-map.json --force', 'JSON (no comments), over an older one'],
      ['hrsync validate export.csv --map mapping.yaml', 'then check the file with it'],
    ],
    after:
      'Headers are recognised in English, German, French, Dutch and Spanish (Vorname, Prénom, Voornaam, Nombre …); the first rows settle what the header cannot (a Manager column of e-mails, dd.mm.yyyy dates, aktiv / inaktiv). How the file was read (an encoding other than UTF-8, a delimiter other than ",", --sheet) goes into the input: section of the mapping, which validate and import --map read unless a flag says otherwise. Exit codes: 0 written, 3 the file cannot be read, 64 usage (the file exists without --force), 74 it cannot be written.',
  },
  config: { examples: [['hrsync config schema > hrsync.schema.json']] },
  'config schema': {
    examples: [['hrsync config schema > hrsync.schema.json', 'then "$schema": "./hrsync.schema.json" in the config']],
  },
  version: { examples: [['hrsync version', 'the same as hrsync --version'], ['hrsync version --format json', '{"version": …, "node": "v20.18.0", "platform": "linux", "arch": "x64"}']] },
  completion: {
    examples: [
      ['hrsync completion bash > ~/.local/share/bash-completion/completions/hrsync'],
      ['hrsync completion zsh > "${fpath[1]}/_hrsync"', 'or: source <(hrsync completion zsh)'],
      ['hrsync completion fish > ~/.config/fish/completions/hrsync.fish'],
    ],
    after: 'Commands, options and their values come from this version of hrsync; --target names come from the config where you press TAB.',
  },
};

/** A command's path from the program down: "targets check". */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * The examples of a command at a width: `$ command  # what it does`, the comments aligned; a comment
 * that does not fit goes on its own line above, and a command line that does not fit is continued
 * with ` \` (still a command that can be pasted).
 */
export function renderExamples(help: CommandHelp, width: number): string {
  const wrap = new Help();
  const lines = help.examples.length ? ['', 'Examples:'] : [];
  // Comments line up after the longest command whose comment then still fits; the others go above theirs.
  let inline = help.examples.filter(([, comment]) => comment);
  let column = 0;
  for (let previous = -1; column !== previous; ) {
    previous = column;
    column = Math.max(0, ...inline.map(([command]) => command.length)) + 6;
    inline = inline.filter(([command, comment]) => command.length + 6 + comment!.length + 2 <= width && column + comment!.length + 2 <= width);
  }
  for (const example of help.examples) {
    const [command, comment] = example;
    const line = `  $ ${command}`;
    if (comment && inline.includes(example)) lines.push(`${line.padEnd(column)}# ${comment}`);
    else {
      if (comment) lines.push(...wrap.boxWrap(`  # ${comment}`, width).split('\n'));
      lines.push(...continued(command, width));
    }
  }
  if (help.after) lines.push('', wrap.boxWrap(help.after, width));
  return lines.join('\n');
}

/** A command line cut at spaces to fit a width, each cut marked with ` \` as a shell continues a line. */
function continued(command: string, width: number): string[] {
  const lines: string[] = [];
  let current = '  $';
  for (const word of command.split(' ')) {
    if (current.length + 1 + word.length + 2 > width && current.length > 4) {
      lines.push(`${current} \\`);
      current = '     ';
    } else current += ' ';
    current += word;
  }
  return [...lines, current];
}

/** Help width: the terminal's, else commander's 80; too narrow a column still wraps. */
const MIN_COLUMN = 20;

/**
 * How every command's help is laid out: to the width of the terminal it goes to, the top level listing
 * the subcommands too (`targets check`), and a repeatable option not showing `(default: [])`.
 */
export function configureHelp(program: Command): void {
  program.configureHelp({
    minWidthToWrap: MIN_COLUMN,
    visibleCommands(this: Help, command: Command): Command[] {
      const visible = Help.prototype.visibleCommands.call(this, command);
      return command.parent ? visible : visible.flatMap((c) => [c, ...c.commands.filter((s) => !(s as unknown as { _hidden: boolean })._hidden && s.name() !== 'help')]);
    },
    subcommandTerm(this: Help, command: Command): string {
      const term = Help.prototype.subcommandTerm.call(this, command);
      return command.parent?.parent ? `${command.parent.name()} ${term}` : term;
    },
    optionDescription(this: Help, option: Option): string {
      if (!(Array.isArray(option.defaultValue) && option.defaultValue.length === 0)) return Help.prototype.optionDescription.call(this, option);
      const shown = Object.assign(Object.create(Object.getPrototypeOf(option) as object) as Option, option, { defaultValue: undefined });
      return Help.prototype.optionDescription.call(this, shown);
    },
  });
}
