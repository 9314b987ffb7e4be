/** C0 and C1 control characters, DEL: no platform should store one. Tab, line feed and carriage return are text. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Characters that show as nothing, or reorder what follows: zero-width spaces and joiners, the
 * left-to-right and right-to-left marks, the bidirectional embeddings, overrides and isolates, and a
 * byte-order mark inside text. "D3\u200b" looks like "D3" and is another key.
 */
export const INVISIBLE_CHARACTER = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Either of the two: text without any needs neither check (one native scan of a piece of a file). */
export const CONTROL_OR_INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
