import { readFileSync } from 'node:fs';

let passwd: Map<number, string> | undefined;
/** A uid as a person reads it: `bob (uid 1001)`, or `uid 1001` when /etc/passwd does not name it. */
export function whoIs(uid: number | undefined): string {
  if (uid === undefined) return 'an unknown user';
  if (!passwd) {
    passwd = new Map();
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id && /^\d+$/.test(id) && !passwd.has(Number(id))) passwd.set(Number(id), name);
      }
    } catch {
      // no passwd file: uids only
    }
  }
  const name = passwd.get(uid);
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
}
