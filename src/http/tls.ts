import { rootCertificates } from 'node:tls';
import * as tls from 'node:tls';
import { RemoteError } from '../errors.js';

/** OpenSSL's verification codes for a certificate this machine does not trust (a TLS-inspecting proxy, a private CA). */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'CERT_CHAIN_TOO_LONG', 'INVALID_CA',
]);
/** A certificate outside its dates (or this machine's clock is wrong), or revoked. */
const DATES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CRL_HAS_EXPIRED', 'CRL_NOT_YET_VALID', 'CERT_REVOKED']);
const OTHER_NAME = 'ERR_TLS_CERT_ALTNAME_INVALID';

const TRUST_HINT =
  'if this network inspects TLS (a corporate proxy) or the server has a private CA, trust that CA — for every target: NODE_EXTRA_CA_CERTS=/path/to/ca.pem; for this target: "caFile": "/path/to/ca.pem" in its config. hrsync never turns verification off';

/**
 * A failed TLS handshake as a RemoteError (exit 4, never retried: the next try meets the same
 * certificate) naming the host, the code and what to do; undefined when the error is not TLS's.
 */
export function tlsFailure(error: unknown, host: string, where: string): RemoteError | undefined {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    const failed = (why: string, hint: string) =>
      new RemoteError('tls', `${where}: the TLS connection to ${host} failed: ${why} (${code}${message && !message.includes(code) ? `: ${message}` : ''}); nothing was sent`, undefined, [], hint);
    if (UNTRUSTED.has(code)) return failed('its certificate is not signed by a CA this machine trusts', TRUST_HINT);
    if (DATES.has(code)) return failed('its certificate is outside its dates, or revoked', `the certificate of ${host} must be renewed (or this machine’s clock set right); a TLS-inspecting proxy’s expired certificate is its administrator’s to renew`);
    if (code === OTHER_NAME) return failed('its certificate is for another name', `check the host in the target’s baseUrl: the certificate names the hosts it is for (a TLS-inspecting proxy that signs the wrong name is its administrator’s to fix)`);
    if (/^ERR_SSL_|^ERR_TLS_/.test(code) || (code === 'EPROTO' && /SSL|TLS/i.test(message)))
      return failed('the handshake did not complete (is it https on that port?)', 'check the scheme and port in the target’s baseUrl');
  }
  return undefined;
}

/** The CAs a target with a caFile trusts: Node's own (with NODE_EXTRA_CA_CERTS where Node can say so) and the file's. */
export function trustedWith(pem: string): string[] {
  const defaults = (tls as unknown as { getCACertificates?: (which: string) => string[] }).getCACertificates?.('default') ?? rootCertificates;
  return [...defaults, pem];
}
