/**
 * Text from outside hrsync (a cell of an HR file, a file name, a server's message) made safe to print
 * on a terminal: control characters, C1 controls and the bidirectional overrides that could clear the
 * screen, move the cursor or make a plan line read as another, and the invisible ones (zero-width
 * spaces and joiners, a byte-order mark) that make two values look alike, are shown as escapes
 * (\x1b, \u202e, \u200b).
 * Line feeds and tabs stay unless `oneLine`.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

const escape = (ch: string) => {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

export function printable(text: string, oneLine = false): string {
  return text.replace(oneLine ? UNSAFE_ONE_LINE : UNSAFE, escape);
}
