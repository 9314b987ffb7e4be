import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';

/** A SCIM service provider of our own, answering each request with `handler`; `requests` records what it was sent. */
async function scimServer(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ baseUrl: string; requests: Array<{ method: string; url: string }>; stop(): Promise<void> }> {
  const requests: Array<{ method: string; url: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
      handler(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}/scim/v2`, requests, stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/scim+json' });
  res.end(JSON.stringify(body));
};
const EMPTY = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] };

describe('a server that echoes the credential in other spellings', () => {
  const TOKEN = 'Tk&9/aB+cD=eF_gH-iJ~kL.mN0pQrS';
  const b64 = Buffer.from(TOKEN).toString('base64');
  const b64url = Buffer.from(TOKEN).toString('base64url');
  const FORMS: Record<string, string> = {
    'first half': TOKEN.slice(0, TOKEN.length / 2),
    'a prefix of 8': TOKEN.slice(0, 8),
    'a piece from the middle': TOKEN.slice(9, 21),
    'upper case': TOKEN.toUpperCase(),
    'lower case': TOKEN.toLowerCase(),
    base64: b64,
    'base64 without padding': b64.replace(/=+$/, ''),
    'base64url': b64url,
    'base64url with padding': b64url + '='.repeat((4 - (b64url.length % 4)) % 4),
    'base64 of user:token (HTTP Basic)': Buffer.from(`someone:${TOKEN}`).toString('base64'),
    'HTML-escaped': TOKEN.replace(/&/g, '&amp;'),
    'HTML hex references': [...TOKEN].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join(''),
    'HTML decimal references': [...TOKEN].map((c) => `&#${c.charCodeAt(0)};`).join(''),
    'HTML hex references, upper case': [...TOKEN].map((c) => `&#X${c.charCodeAt(0).toString(16).toUpperCase()};`).join(''),
  };

  it('shows none of them on stderr, in results.csv, failed.csv or the journal', async () => {
    const forms = Object.entries(FORMS);
    let n = 0;
    const server = await scimServer((req, _body, res) => {
      if (req.method === 'GET') return json(res, 200, EMPTY);
      const [name, form] = forms[n++ % forms.length]!;
      json(res, 400, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidValue', detail: `(${name}) your token ${form} is not allowed here` });
    });
    try {
      const dir = tempDir();
      write(dir, 'hrsync.config.json', JSON.stringify({ targets: { idp: { type: 'scim', baseUrl: server.baseUrl, token: 'env:SCIM_TOKEN' } } }));
      write(dir, 'u.csv', ['externalId,email,firstName,lastName', ...forms.map((_, i) => `X${i},x${i}@example.com,F${i},L${i}`)].join('\n') + '\n');
      const run = await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'out', '--concurrency', '1'], { cwd: dir, env: { SCIM_TOKEN: TOKEN } });
      expect(run.code, run.stderr).toBe(5);
      expect(n).toBe(forms.length);
      const files = readdirSync(join(dir, 'out')).map((f) => [f, readFileSync(join(dir, 'out', f), 'utf8')] as const);
      expect(files.map(([f]) => f)).toEqual(expect.arrayContaining(['results.csv', 'failed.csv', 'journal.ndjson']));
      const outputs = [['stderr', run.stderr], ['stdout', run.stdout], ...files] as const;
      for (const [where, text] of outputs) for (const [name, form] of forms) expect(text.toLowerCase(), `${name} in ${where}`).not.toContain(form.toLowerCase());
      expect(outputs.some(([, text]) => text.includes('(HTML decimal references) your token *** is not allowed here')), 'the messages are there, starred').toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe('a server whose answers are not the platform’s (a sign-in page, a proxy’s page, a wrong baseUrl)', () => {
  it('a JSON answer that starts with a byte-order mark (as some .NET servers send) is the platform’s JSON, read as such', async () => {
    const user = { id: 'u1', externalId: 'X1', userName: 'x1@example.com', emails: [{ value: 'x1@example.com', primary: true }], name: { givenName: 'A', familyName: 'B' }, active: true };
    const server = await scimServer((req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json; charset=utf-8' });
      res.end(`\uFEFF${JSON.stringify({ ...EMPTY, totalResults: 1, Resources: req.url!.includes('startIndex=1&') ? [user] : [] })}`);
    });
    try {
      const dir = tempDir();
      write(dir, 'hrsync.config.json', JSON.stringify({ targets: { idp: { type: 'scim', baseUrl: server.baseUrl, token: 'env:SCIM_TOKEN' } } }));
      write(dir, 'u.csv', 'externalId,email,firstName,lastName\nX1,x1@example.com,A,B\n');
      const run = await hrsyncIn(['import', 'u.csv', '--dry-run'], { cwd: dir, env: { SCIM_TOKEN: 'a-token-of-some-length' } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('1 unchanged');
    } finally {
      await server.stop();
    }
  });

  const LOGIN = '<!DOCTYPE html><html><head><title>Sign in - Contoso</title></head><body>Sign in</body></html>';
  const cases: Array<[string, (res: ServerResponse) => void, RegExp]> = [
    // The first request a run makes is discovery's: a sign-in page stops it there.
    ['a login page, 200 text/html', (res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(LOGIN); }, /GET \/scim\/v2\/ServiceProviderConfig: answered 200 with text\/html \("<!DOCTYPE html><html><head><title>Sign in - Contoso/],
    // An empty object says nothing of the provider (discovery keeps the RFC's defaults); as a list it is no list.
    ['an empty JSON object', (res) => json(res, 200, {}), /GET \/scim\/v2\/Groups\?startIndex=1&count=100&excludedAttributes=members: answered 200 with JSON an empty object \(application\/scim\+json\)/],
  ];
  for (const [name, answer, shown] of cases)
    it(`import stops before planning (exit 4), sends no write, and says what came: ${name}`, async () => {
      const server = await scimServer((req, _body, res) => (req.method === 'GET' ? answer(res) : json(res, 201, { id: 'made' })));
      try {
        const dir = tempDir();
        write(dir, 'hrsync.config.json', JSON.stringify({ targets: { idp: { type: 'scim', baseUrl: server.baseUrl, token: 'env:SCIM_TOKEN' } } }));
        write(dir, 'u.csv', 'externalId,email,firstName,lastName\nX1,x1@example.com,A,B\nX2,x2@example.com,C,D\n');
        const run = await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'out'], { cwd: dir, env: { SCIM_TOKEN: 'a-token-of-some-length' } });
        expect(run.code, run.stderr).toBe(4);
        expect(run.stderr).toMatch(shown);
        expect(run.stderr).toContain('hint: a sign-in page');
        expect(run.stderr).not.toMatch(/never answered|no answer/);
        expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
        expect(run.stdout).not.toContain('to create');
      } finally {
        await server.stop();
      }
    });
});
