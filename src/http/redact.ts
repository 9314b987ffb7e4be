/** Query parameters and headers that carry secrets on the platforms hrsync speaks to (case-insensitive). */
const SECRET_PARAMS = ['api_key', 'apikey', 'integrationkey', 'access_token', 'refresh_token', 'password', 'token', 'key'];

/**
 * The forms a secret takes when a server echoes it back: as it is, JSON-escaped (`"` and `\\`, and `/`
 * as `\/` as PHP writes it, non-ASCII as `\uXXXX`), and URL- or form-encoded (either hex case).
 */
function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const escaped = (upper: boolean) => json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`);
  const jsons = [json, escaped(false), escaped(true)].flatMap((j) => [j, j.replace(/\//g, '\\/')]);
  const url = encodeURIComponent(secret);
  const urls = [url, url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())].flatMap((u) => [u, u.replace(/%20/g, '+')]);
  return [...new Set([secret, ...jsons, ...urls])].sort((a, b) => b.length - a.length);
}

/**
 * Removes secrets from any text that may reach a person: every known secret value in every form a
 * server may echo it in, and the value of any secret-named query parameter or form field. Applied to
 * URLs, messages and bodies quoted in errors.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 3) for (const form of spellings(secret)) out = out.split(form).join('***');
  out = out.replace(/([?&]|^)([^=&?\s]+)=([^&\s#]*)/g, (match, sep: string, name: string, value: string) =>
    SECRET_PARAMS.includes(name.toLowerCase()) && value !== '' && value !== '***' ? `${sep}${name}=***` : match,
  );
  return out.replace(/(authorization:\s*)(bearer\s+)?\S+/gi, '$1$2***');
}

