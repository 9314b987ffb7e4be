/**
 * A valid email address: zod's `z.regexes.email` (its email check, "reasonable" addresses: no quoted
 * local parts, no IP literals), copied so that checking a row does not load zod. A test keeps the two
 * the same.
 */
export const EMAIL = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
