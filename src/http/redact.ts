/** Query parameters and headers that carry secrets on the platforms hrsync speaks to (case-insensitive). */
const SECRET_PARAMS = ['api_key', 'apikey', 'integrationkey', 'access_token', 'refresh_token', 'password', 'token', 'key'];

/**
 * Removes secrets from any text that may reach a person: every known secret value, and the value of
 * any secret-named query parameter or form field. Applied to URLs, messages and bodies quoted in errors.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 3) out = out.split(secret).join('***');
  out = out.replace(/([?&]|^)([^=&?\s]+)=([^&\s#]*)/g, (match, sep: string, name: string, value: string) =>
    SECRET_PARAMS.includes(name.toLowerCase()) && value !== '' && value !== '***' ? `${sep}${name}=***` : match,
  );
  return out.replace(/(authorization:\s*)(bearer\s+)?\S+/gi, '$1$2***');
}

