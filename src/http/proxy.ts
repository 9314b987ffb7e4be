import { BlockList, isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** The proxy settings of the environment, as curl and most tools read them. */
export interface ProxyEnvironment {
  /** For http:// URLs: http_proxy, else HTTP_PROXY. */
  httpProxy?: string;
  /** For https:// URLs: https_proxy, else HTTPS_PROXY. */
  httpsProxy?: string;
  /** Hosts reached directly: no_proxy, else NO_PROXY. */
  noProxy?: string;
}

/** The proxy variables of an environment; the lower-case spelling wins, as with curl. */
export function proxyEnvironment(env: NodeJS.ProcessEnv): ProxyEnvironment {
  const pick = (name: string) => env[name] || env[name.toUpperCase()] || undefined;
  const httpProxy = pick('http_proxy');
  const httpsProxy = pick('https_proxy');
  const noProxy = env.no_proxy ?? env.NO_PROXY;
  return { ...(httpProxy ? { httpProxy } : {}), ...(httpsProxy ? { httpsProxy } : {}), ...(noProxy !== undefined ? { noProxy } : {}) };
}

/** A proxy to go through, parsed: its URL (credentials included, for the agent) and how to name it in messages. */
export interface Proxy {
  url: URL;
  /** scheme://host:port — never the credentials. */
  shown: string;
  /** Values no message may show: the password, and the Proxy-Authorization value made of it. */
  secrets: string[];
}

/** Strips the brackets of an IPv6 literal and a trailing dot, lower-cased: how hosts are compared. */
const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();

/**
 * Whether NO_PROXY sends a URL's host around the proxy, with curl's semantics: a comma- (or space-)
 * separated list; `*` alone matches every host; a name matches itself and every host under it
 * (`example.com` and `.example.com` both match `api.example.com`, not `notexample.com`); an IP address
 * matches only itself, or a CIDR range (`10.0.0.0/8`, `::1/128`); IPv6 with or without brackets;
 * names are not resolved, so `localhost` does not cover `127.0.0.1` — list both. An entry may also
 * name a port (`host:8080`), as Go and undici allow.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const entries = noProxy.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 1 && entries[0] === '*') return true;
  const host = bare(url.hostname);
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const hostIp = isIP(host);
  return entries.some((raw) => {
    let entry = raw.replace(/^\*?\./, '');
    let entryPort: number | undefined;
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      entry = withPort[1]!;
      entryPort = Number(withPort[2]);
    }
    if (entryPort !== undefined && entryPort !== port) return false;
    const [address, bits] = bare(entry).split('/') as [string, string | undefined];
    const family = isIP(address);
    if (family) {
      if (!hostIp) return false;
      if (bits === undefined) return address === host || (family === 6 && hostIp === 6 && sameIpv6(address, host));
      const range = new BlockList();
      try {
        range.addSubnet(address, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
        return range.check(host, hostIp === 4 ? 'ipv4' : 'ipv6');
      } catch {
        return false;
      }
    }
    return !hostIp && (host === address || host.endsWith(`.${address}`));
  });
}

function sameIpv6(a: string, b: string): boolean {
  const list = new BlockList();
  list.addAddress(a, 'ipv6');
  return list.check(b, 'ipv6');
}

/**
 * The proxy a request to `url` goes through, from the environment's settings, or undefined: the
 * scheme's variable (https_proxy for https://, http_proxy for http://), unless NO_PROXY bypasses the
 * host. A proxy without a scheme is http:// (as curl reads it); one that is not http:// or https://,
 * or not a URL, is a usage error naming the variable, never its value (it may hold a password).
 */
export function proxyFor(url: URL, proxies: ProxyEnvironment | undefined): Proxy | undefined {
  if (!proxies) return undefined;
  const https = url.protocol === 'https:';
  const value = https ? proxies.httpsProxy : proxies.httpProxy;
  if (!value || bypassesProxy(url, proxies.noProxy)) return undefined;
  const variable = https ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new UsageError(`${variable} (or ${variable.toLowerCase()}) is not a URL`, 'write it as http://host:port, or http://user:password@host:port');
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:')
    throw new UsageError(`${variable} (or ${variable.toLowerCase()}) names a ${proxy.protocol.replace(':', '')} proxy: hrsync goes through http:// and https:// proxies`);
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  const secrets = password ? [password, proxy.password, Buffer.from(`${user}:${password}`).toString('base64')] : [];
  return { url: proxy, shown: `${proxy.protocol}//${proxy.host}`, secrets };
}
