import { describe, expect, it } from 'vitest';
import { patchOperations } from '../../src/connectors/scim/patch.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('SCIM PATCH operations (RFC 7644 §3.5.2)', () => {
  it('change a name part by its sub-attribute path: a part read earlier (name.formatted) is never sent back', () => {
    const current = { id: '1', name: { givenName: 'Ann', familyName: 'Lee', formatted: 'Ms Ann Lee (as the provider made it)' }, displayName: 'Ann Lee', meta: { version: 'W/"1"' } };
    const next = { id: '1', name: { givenName: 'Ann', familyName: 'Smith', formatted: 'Ms Ann Lee (as the provider made it)' }, displayName: 'Ann Lee' };
    expect(patchOperations(current, next)).toEqual([{ op: 'replace', path: 'name.familyName', value: 'Smith' }]);
    expect(patchOperations({ name: { givenName: 'Ann', familyName: 'Lee' } }, { name: { givenName: 'Ann' } })).toEqual([{ op: 'remove', path: 'name.familyName' }]);
  });

  it('change an extension attribute by its full path, and never send what the provider computes', () => {
    const ops = patchOperations({ [ENTERPRISE]: { department: 'A' }, groups: [{ value: 'g' }], nickName: 'x' }, { [ENTERPRISE]: { department: 'B' }, groups: [], nickName: 'y' }, new Set(['nickname']));
    expect(ops).toEqual([{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'B' }]);
  });
});
