/** Query parameters and headers that carry secrets on the platforms hrsync speaks to (case-insensitive). */
const SECRET_PARAMS = ['api_key', 'apikey', 'integrationkey', 'access_token', 'refresh_token', 'password', 'token', 'key'];

/** The shortest run of a secret's characters that is starred on its own (a prefix, a half, any piece). */
export const SECRET_FRAGMENT = 8;

/** ASCII letters lower-cased, nothing else: the text keeps its length, so a match's place is the original's. */
const lower = (text: string) => text.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** JSON-escaped (`"` and `\\`, `/` as `\/` as PHP writes it, non-ASCII as `\uXXXX`). */
function jsonForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const escaped = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [json, escaped].flatMap((j) => [j, j.replace(/\//g, '\\/')]);
}

/** URL- or form-encoded. */
function urlForms(secret: string): string[] {
  const url = encodeURIComponent(secret);
  return [url, url.replace(/%20/g, '+')];
}

/** HTML-escaped: the five special characters, or every character as a decimal or hex reference. */
function htmlForms(secret: string): string[] {
  const special: Record<string, string[]> = { '&': ['&amp;'], '<': ['&lt;'], '>': ['&gt;'], '"': ['&quot;', '&#34;'], "'": ['&#39;', '&#x27;', '&apos;'] };
  const some = [0, 1].map((i) => secret.replace(/[&<>"']/g, (c) => special[c]![Math.min(i, special[c]!.length - 1)]!));
  const every = (radix: number) => [...secret].map((c) => `&#${radix === 16 ? 'x' : ''}${c.codePointAt(0)!.toString(radix)};`).join('');
  return [...some, every(10), every(16)];
}

/**
 * Base64 (standard and URL-safe; the padding, when there is any, is left): of the secret alone, and
 * the characters every base64 of a text holding it carries whatever its place (`user:password`, as
 * HTTP Basic sends it) — three alignments, each without the characters its neighbours share.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    const from = shift === 0 ? 0 : Math.ceil(((shift + 1) * 8) / 6); // the characters shared with what comes before
    const whole = Math.floor(((shift + bytes.length) * 8) / 6); // the last character may share bits with what follows
    const core = shift === 0 ? encoded : encoded.slice(from, whole);
    if (core.length >= 4) forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** What is precomputed once per secret: every spelling (lower-cased), and its 4-character pieces by place. */
interface Matcher {
  forms: string[];
  /** The secret lower-cased, for pieces of it. */
  text: string;
  /** Each 4 characters of `text` (packed, see quad) → the places they start at. */
  quads: Map<number, number[]>;
  /** The shortest piece starred on its own. */
  fragment: number;
}

/** Four characters packed into one number (each to 8 bits: a collision only costs a comparison). */
const quad = (s: string, i: number) => (((s.charCodeAt(i) & 0xff) << 24) | ((s.charCodeAt(i + 1) & 0xff) << 16) | ((s.charCodeAt(i + 2) & 0xff) << 8) | (s.charCodeAt(i + 3) & 0xff)) >>> 0;

const matchers = new Map<string, Matcher>();

function matcher(secret: string): Matcher {
  let m = matchers.get(secret);
  if (m) return m;
  const forms = [secret, ...jsonForms(secret), ...urlForms(secret), ...htmlForms(secret), ...base64Forms(secret)];
  const text = lower(secret);
  const quads = new Map<number, number[]>();
  for (let i = 0; i + 4 <= text.length; i++) {
    const q = quad(text, i);
    const at = quads.get(q);
    if (at) at.push(i);
    else quads.set(q, [i]);
  }
  m = { forms: [...new Set(forms.map(lower))].sort((a, b) => b.length - a.length), text, quads, fragment: SECRET_FRAGMENT };
  if (matchers.size >= 256) matchers.clear(); // refreshed tokens come and go: the cache stays small
  matchers.set(secret, m);
  return m;
}

/**
 * The pieces of the text that are runs of at least `fragment` characters of the secret. Such a run
 * holds a 4-character piece starting at a multiple of 4, so only those places are looked up; a hit
 * is grown both ways along the secret.
 */
function fragments(text: string, m: Matcher, mark: (from: number, to: number) => void): void {
  const last = m.text.length;
  for (let i = 0; i + 4 <= text.length; i += 4) {
    const at = m.quads.get(quad(text, i));
    if (!at) continue;
    let best = [0, 0];
    for (const j of at) {
      let back = 0;
      while (back < Math.min(i, j) && text[i - back - 1] === m.text[j - back - 1]) back++;
      let ahead = 0;
      while (ahead < Math.min(text.length - i, last - j) && text[i + ahead] === m.text[j + ahead]) ahead++;
      if (back + ahead > best[1]! - best[0]!) best = [i - back, i + ahead];
    }
    if (best[1]! - best[0]! >= m.fragment) {
      mark(best[0]!, best[1]!);
      i = Math.ceil(best[1]! / 4) * 4 - 4; // on to the first multiple of 4 past the piece
    }
  }
}

/** Every place any secret shows in the text, in any spelling, as sorted, merged [from, to) ranges. */
function places(text: string, secrets: readonly string[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const mark = (from: number, to: number) => void ranges.push([from, to]);
  let lowered: string | undefined;
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    const m = matcher(secret);
    lowered ??= lower(text);
    for (const form of m.forms) for (let at = lowered.indexOf(form); at !== -1; at = lowered.indexOf(form, at + form.length)) mark(at, at + form.length);
    if (m.text.length >= m.fragment) fragments(lowered, m, mark);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const prev = merged[merged.length - 1];
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * Removes secrets from any text that may reach a person: every known secret value in every form a
 * server may echo it in — as it is, JSON-escaped, URL- or form-encoded, HTML-escaped, base64
 * (standard or URL-safe, alone or inside a longer value), in any mix of upper and lower case — any
 * run of 8 or more of its characters (a prefix, a half, a piece), and the value of any secret-named
 * query parameter or form field. Applied to URLs, messages and bodies quoted in errors. The forms are
 * worked out once per secret; a call costs a few passes over the text per secret.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const found = places(text, secrets);
  if (found.length) {
    let kept = '';
    let from = 0;
    for (const [start, end] of found) {
      kept += `${text.slice(from, start)}***`;
      from = end;
    }
    out = kept + text.slice(from);
  }
  out = out.replace(/([?&]|^)([^=&?\s]+)=([^&\s#]*)/g, (match, sep: string, name: string, value: string) =>
    SECRET_PARAMS.includes(name.toLowerCase()) && value !== '' && value !== '***' ? `${sep}${name}=***` : match,
  );
  return out.replace(/(authorization:\s*)(bearer\s+)?\S+/gi, '$1$2***');
}
