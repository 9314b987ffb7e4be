/**
 * Typed errors: each carries the exit code the CLI maps it to. Only src/cli/main.ts exits.
 * Exit codes are part of the public contract (docs/reference/exit-codes.md, generated from EXIT_CODES).
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  changes: 2,
  invalidInput: 3,
  targetFailed: 4,
  partialFailure: 5,
  safetyStop: 6,
  usage: 64,
  /** sysexits EX_IOERR: hrsync's own output (results, journal, export file) could not be written. */
  output: 74,
  /** sysexits EX_SOFTWARE: hrsync is not built. Set by bin/hrsync.js itself (it cannot load this module then). */
  notBuilt: 70,
  /** 128 + the signal's number, as shells report a process stopped by it. */
  hangup: 129,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * What each exit code means, and who acts on it in a scheduled job: docs/reference/exit-codes.md is
 * generated from this (npm run docs).
 */
export const EXIT_CODES: Record<ExitCodeValue, { meaning: string; react: string }> = {
  0: {
    meaning: 'success: the files are valid (warnings allowed); the import applied everything, or had nothing to do; an incremental run found nothing changed; the sandbox stopped cleanly',
    react: '—',
  },
  1: { meaning: 'unexpected internal error: a bug (run again with `--debug` for the stack); no new write starts, and the results are still written', react: 'report it' },
  2: { meaning: 'with `--dry-run --detailed-exitcode`: the plan has changes', react: 'apply them (or the saved plan)' },
  3: {
    meaning: 'the input is invalid: rows failed validation, a file is malformed, missing or unreadable (for import: with `--strict`, in a dry run that left rows out, or when nothing was left to apply); with `--max-invalid`, more invalid rows than it allows (fewer: exit 0); the sandbox’s state file is damaged',
    react: 'the HR data owner: fix the rows listed (or in `failed.csv`)',
  },
  4: {
    meaning: 'the target failed as a whole: refused credentials, unreachable, a TLS certificate refused, an unexpected answer, retries exhausted; or the PostgreSQL state database cannot be reached, refused the credentials or failed (nothing was done)',
    react: 'operations: credentials, network, the platform’s (or the database’s) status',
  },
  5: {
    meaning: 'an import applied some changes, but some rows failed or were left `unknown`, or invalid rows and conflicts were skipped while the rest was applied (invalid rows within `--max-invalid` do not count)',
    react: 'look at `results.csv`; the next run retries them',
  },
  6: {
    meaning: 'a safety limit stopped the run before any write: too many missing records (`--max-missing`), a stale, changed or foreign saved plan, another run writing to the same target; or, during an apply, the run’s lock in the PostgreSQL state was lost (no new write started after it)',
    react: 'a person: never retry this blindly',
  },
  64: {
    meaning: 'usage error: an unknown flag or target, a missing argument, a bad mapping or config file, an environment variable the config names is not set, `NODE_DEBUG` set for Node’s HTTP stack, a sandbox port in use or an invalid seed, an entity or export the target cannot do, an output hrsync will not write through (a link, a folder), a mapping file `map init` would replace without `--force`',
    react: 'whoever changed the job: a flag, the config, a secret not set',
  },
  70: {
    meaning: 'hrsync is not built: a checkout run before `npm ci` or `npm run build`, or while `dist/` is being rebuilt (`error: hrsync is not built`, never a Node stack trace)',
    react: 'build it (`npm ci`)',
  },
  74: {
    meaning: 'hrsync’s own output could not be written (a full disk, a missing or read-only folder): the journal, the results, an export, a saved plan, an HTML report, a mapping file (`map init`), standard output, the state (a bookmark or the last-sent fingerprints, in a file or the state database). During an apply no new write starts after it, those in flight finish, and what was applied is printed when no results file holds it',
    react: 'operations: the runner’s disk',
  },
  129: { meaning: 'as 130, stopped by a hangup (the terminal closed)', react: 'the next run converges' },
  130: {
    meaning: 'stopped by Ctrl-C (SIGINT): during an apply, after the writes in flight finished and the results were written (its last line, even with `--quiet`, says what was applied and skipped, and where the results are); while an import reads and plans, at the confirmation, during an export or a validation (its `--annotate` and `--report` files too), with nothing written',
    react: 'the next run converges',
  },
  143: { meaning: 'as 130, stopped by SIGTERM (`kill`, a cancelled job, a pod stopped)', react: 'the next run converges' },
};

export abstract class HrsyncError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  /** A line of advice shown under the message, e.g. which flag to use. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Wrong flags, arguments, mapping or config file. Exit 64. */
export class UsageError extends HrsyncError {
  readonly exitCode = ExitCode.usage;
}

/** The input cannot be read as records at all (e.g. not a file). Exit 3. */
export class InputError extends HrsyncError {
  readonly exitCode = ExitCode.invalidInput;
}

/**
 * The user stopped hrsync where nothing had been written yet: Ctrl-C or Ctrl-D at the confirmation, or
 * during an export (whose file is then not written). Exit 130 (129, 143 for a hangup or SIGTERM).
 */
export class Interrupted extends HrsyncError {
  readonly exitCode: ExitCodeValue;
  constructor(
    message: string,
    readonly signal: NodeJS.Signals = 'SIGINT',
  ) {
    super(message);
    this.exitCode = exitCodeForSignal(signal);
  }
}

/** The exit code of a run stopped by SIGINT, SIGTERM or SIGHUP. */
export function exitCodeForSignal(signal: NodeJS.Signals): ExitCodeValue {
  return signal === 'SIGTERM' ? ExitCode.terminated : signal === 'SIGHUP' ? ExitCode.hangup : ExitCode.interrupted;
}

/**
 * hrsync's own output could not be written (a full disk, a read-only or missing folder): the results,
 * the journal, an export or a plan file. Exit 74. During an apply it is not thrown but reported
 * (ApplyReport.outputFailure), so the writes in flight finish and what was applied can be shown.
 */
export class OutputError extends HrsyncError {
  readonly exitCode = ExitCode.output;
}

const FS_REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for its file system',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  ENOENT: 'no such folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is in the way',
  EIO: 'an input/output error',
  EMFILE: 'too many open files',
};

/** A file system error in words a person acts on: "the disk is full (ENOSPC)". */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && FS_REASONS[code]) return `${FS_REASONS[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * hrsync could not write `path` (what it is: "the export", "the journal"): exit 74 — or, for an output
 * named by the user that hrsync will not write (a folder, a symbolic link: shared/atomic-write's
 * UnwritableOutput), a usage error, exit 64, with its own hint.
 */
export function outputFailed(what: string, path: string, error: unknown, hint?: string): OutputError | UsageError {
  if (error instanceof OutputError || error instanceof UsageError) return error;
  const refused = error as { code?: string; why?: string; hint?: string } | undefined;
  if (refused?.code === 'EHRSYNC_OUTPUT') return new UsageError(`will not write ${what} ${path}: it ${refused.why}`, refused.hint);
  return new OutputError(`could not write ${what} ${path}: ${fsReason(error)}`, hint);
}

/** A safety limit stopped the run before any write (e.g. too many deactivations). Exit 6. */
export class SafetyStop extends HrsyncError {
  readonly exitCode = ExitCode.safetyStop;
}

export type RemoteErrorKind =
  | 'auth' // 401/403: credentials wrong or expired
  | 'validation' // 400/422 with the platform's field errors
  | 'not_found' // 404
  | 'conflict' // 409
  | 'rate_limited' // 429 after retries, or a Retry-After longer than hrsync will wait
  | 'unavailable' // 5xx, resets, timeouts after retries
  | 'tls' // the TLS handshake failed: a certificate not trusted, expired or for another name
  | 'outcome_unknown' // a write whose request was sent but whose answer never came, or did not say what happened
  | 'unexpected' // a status or body the client does not understand
  | 'unexpected_answer'; // a success whose body is not what the platform answers (a sign-in or proxy page, a wrong baseUrl): the target as a whole

export interface FieldError {
  /** The platform's field name as it sent it. */
  field: string;
  message: string;
}

/**
 * A target (platform) failed: exit 4. Connectors throw it, the core classifies by `kind`. Messages
 * never contain secrets (the HTTP layer redacts them before building one).
 */
export class RemoteError extends HrsyncError {
  readonly exitCode = ExitCode.targetFailed;
  constructor(
    readonly kind: RemoteErrorKind,
    message: string,
    readonly status: number | undefined,
    readonly fieldErrors: FieldError[] = [],
    hint?: string,
  ) {
    super(message, hint);
  }
}

/**
 * The state database (the `postgres` state backend) cannot be reached, refused the credentials or
 * failed: exit 4, like a target that fails — nothing was done. Its message names the host, never the
 * password.
 */
export class StateUnavailable extends HrsyncError {
  readonly exitCode = ExitCode.targetFailed;
}
