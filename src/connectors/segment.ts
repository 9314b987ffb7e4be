import { RemoteError } from '../errors.js';

/**
 * One path segment from a value a server or a file gave (a record's id, a connection id), encoded.
 * `.` and `..` — and `%2E` spellings, which URL parsing decodes the same way — would address the
 * collection or the service root after normalisation (`DELETE Users/..` is `DELETE /scim/v2/`), and an
 * empty one the collection itself: such a value is refused, a RemoteError naming it and the target,
 * before anything is sent.
 */
export function segment(value: string, label: string, what = 'id'): string {
  if (value === '' || /^(\.|%2e){1,2}$/i.test(value))
    throw new RemoteError(
      'unexpected',
      `${label}: the ${what} ${JSON.stringify(value)} cannot be put in a URL: it would address ${value === '' ? 'the collection' : 'the collection or the service root'} instead of one record; nothing was sent`,
      undefined,
      [],
      'a server that lists a record with such an id needs a look; leave that record out of the input (or use another match key)',
    );
  return encodeURIComponent(value);
}
