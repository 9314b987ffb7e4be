import { ExitCode, HrsyncError } from '../errors.js';

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

/** The target failed: exit 4. Messages never contain secrets (see redact). */
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

  /** Worth trying again later (by a caller that knows the request is safe to repeat). */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}
