/**
 * Typed errors: each carries the exit code the CLI maps it to. Only src/cli/main.ts exits.
 * Exit codes are part of the public contract (README "Exit codes").
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  changes: 2,
  invalidInput: 3,
  targetFailed: 4,
  partialFailure: 5,
  safetyStop: 6,
  interrupted: 130,
  usage: 64,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

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
  | 'outcome_unknown' // a write whose request was sent but whose answer never came
  | 'unexpected'; // a status or body the client does not understand

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
