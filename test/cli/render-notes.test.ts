import { describe, expect, it } from 'vitest';
import type { PlanNote } from '../../src/core/plan/plan.js';
import { noteText, planDocument } from '../../src/cli/render/notes.js';
import { entityReasonText, hintText } from '../../src/cli/render/validation.js';
import { ENTITY_GIVEN } from '../../src/core/validate/batch.js';

describe('plan notes in words', () => {
  it('names the flags core leaves out', () => {
    const cases: Array<[PlanNote, string]> = [
      [{ code: 'missing_unlistable', target: 'springest "go"', missing: 'delete' }, 'springest "go" cannot be listed: records missing from the input cannot be found, so --missing delete did nothing'],
      [{ code: 'missing_updates_only', entity: 'delegates', missing: 'deactivate' }, '--missing deactivate did nothing to delegates: hrsync only updates them (it never creates, deactivates or deletes delegates)'],
      [{ code: 'missing_looked_up', target: 'appenate "forms"', entity: 'users', missing: 'delete' }, 'appenate "forms" cannot list users: each row was looked up, so records missing from the input cannot be found and --missing delete did nothing'],
      [{ code: 'missing_partial', entity: 'users', missing: 'delete' }, '--missing delete was not applied to users: with --only, --limit or --since the input is not the whole population'],
      [{ code: 'missing_cannot_delete', target: 't', entity: 'groups' }, 't cannot delete groups through its API: missing groups were left alone'],
      [{ code: 'missing_cannot_deactivate', target: 't', entity: 'groups' }, 't cannot deactivate groups: missing groups were left alone (use --missing delete to remove them)'],
      [{ code: 'blank_not_sent', target: 't', field: 'phone', count: 1 }, '1 record was last sent a phone, which the input now leaves blank or lacks: it is not sent, and what t then does with the value it holds is not documented (it may keep or wipe it); --blank clear sends it empty on purpose'],
      [{ code: 'reference_unset', target: 't', entity: 'users', count: 4, first: ['a.csv:2 names x', 'a.csv:3 names y', 'a.csv:4 names z'] }, "4 users name a record that is neither on t nor among this run's valid rows (a manager whose own row was left out, or who left): that reference is left as it is, not sent (the first: a.csv:2 names x; a.csv:3 names y; a.csv:4 names z); fix the named record's row and run again"],
      [{ code: 'delete_blocked', entity: 'companies', key: 'id=A', by: 'users', count: 1, first: ['externalId=U1 (id u1)'] }, 'company id=A is not deleted: 1 user still refers to it (externalId=U1 (id u1)), and the platform refuses to delete it while it does'],
      [{ code: 'delete_blocked', entity: 'groups', key: 'id=G', by: 'companies', count: 5, first: ['a', 'b', 'c'] }, 'group id=G is not deleted: 5 companies still refer to it (a; b; c; …), and the platform refuses to delete it while they do'],
      [{ code: 'said', text: 'each new user is sent an invitation' }, 'each new user is sent an invitation'],
    ];
    for (const [note, text] of cases) expect(noteText(note)).toBe(text);
  });

  it('a JSON plan keeps its shape, its notes in words in their place', () => {
    const plan = { version: 3, notes: [{ code: 'missing_partial', entity: 'users', missing: 'delete' }] as PlanNote[], summary: { create: 0 } };
    expect(JSON.stringify(planDocument(plan))).toBe(JSON.stringify({ version: 3, notes: ['--missing delete was not applied to users: with --only, --limit or --since the input is not the whole population'], summary: { create: 0 } }));
  });
});

describe('issue hints and entity reasons in words', () => {
  it('word the option a hint names as its flag; a plain hint is as it was', () => {
    expect(hintText({ text: 'map it to a field with {option} if it should be imported', option: 'map' })).toBe('map it to a field with --map if it should be imported');
    expect(hintText({ text: 'write dates as yyyy-mm-dd, or read this format with a {option} file: {"transforms": {"birthDate": "date:dd/mm/yyyy"}}', option: 'map' }))
      .toBe('write dates as yyyy-mm-dd, or read this format with a --map file: {"transforms": {"birthDate": "date:dd/mm/yyyy"}}');
    expect([hintText('remove it in the source'), hintText(null)]).toEqual(['remove it in the source', null]);
    expect([entityReasonText(ENTITY_GIVEN), entityReasonText('columns Name, Email')]).toEqual(['--entity', 'columns Name, Email']);
  });
});
