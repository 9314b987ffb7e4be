import { describe, expect, it } from 'vitest';
import { Table } from '../../src/sandbox/table.js';

describe('the emulator’s tables', () => {
  it('count the changes that touch each field, so what is derived from one field is not computed again on every write', () => {
    const users = new Table();
    users.set('a', { ID: 'a', Forenames: 'Ann' });
    users.set('b', { ID: 'b', Forenames: 'Bo', ManagerUsersIDs: 'a' });
    const managers = users.fieldVersion('ManagerUsersIDs');
    expect(managers).toBe(1);
    users.set('c', { ID: 'c', Forenames: 'Cy' }); // a new user with no manager
    users.set('a', { ID: 'a', Forenames: 'Anne' }); // a rename
    users.set('b', { ID: 'b', Forenames: 'Bo', ManagerUsersIDs: 'a' }); // written again, the same manager
    expect(users.fieldVersion('ManagerUsersIDs')).toBe(managers);
    expect(users.fieldVersion('Forenames')).toBe(4);
    users.delete('b'); // the only row with a manager
    expect(users.fieldVersion('ManagerUsersIDs')).toBe(managers + 1);
  });
});
