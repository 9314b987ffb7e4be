import { describe, expect, it } from 'vitest';
import { addDays, endOfDay, localDate, localTime, offsetAt, parseMoment, startOfDay, timeZoneName, validDate } from '../../src/core/lifecycle/calendar.js';
import { standingOf } from '../../src/core/lifecycle/lifecycle.js';

const at = (iso: string) => Date.parse(iso);

describe('days in a person’s own time zone', () => {
  it('knows IANA zone names, in any case, and refuses offsets and made-up places', () => {
    expect(timeZoneName('europe/berlin')).toBe('Europe/Berlin');
    expect(timeZoneName('Pacific/Auckland')).toBe('Pacific/Auckland');
    expect(timeZoneName('UTC')).toBe('UTC');
    // A current name is kept, never swapped for the older one ICU resolves it to.
    expect(timeZoneName('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(timeZoneName('europe/kyiv')).toBe('Europe/Kyiv');
    expect(timeZoneName('asia/calcutta')).toBe('Asia/Calcutta');
    for (const bad of ['+01:00', 'UTC+1', 'Mars/Olympus_Mons', '', ' ', 'Europe/Berlin; rm -rf', '../etc/passwd']) expect(timeZoneName(bad), bad).toBeUndefined();
  });

  it('starts and ends a day at local midnight: 31 January ends 11 h apart in Auckland and 21 h later in Los Angeles', () => {
    // Auckland in January is UTC+13 (summer time); Los Angeles UTC−8.
    expect(endOfDay('2027-01-31', 'Pacific/Auckland')).toBe(at('2027-01-31T11:00:00Z'));
    expect(endOfDay('2027-01-31', 'America/Los_Angeles')).toBe(at('2027-02-01T08:00:00Z'));
    expect(startOfDay('2027-01-04', 'Europe/Berlin')).toBe(at('2027-01-03T23:00:00Z'));
    expect(startOfDay('2027-07-04', 'Europe/Berlin')).toBe(at('2027-07-03T22:00:00Z'));
    expect(localDate(at('2027-01-03T23:00:00Z'), 'Europe/Berlin')).toBe('2027-01-04');
    expect(localDate(at('2027-01-03T22:59:59Z'), 'Europe/Berlin')).toBe('2027-01-03');
  });

  it('starts a day whose midnight the clocks skip at the first moment that exists (Santiago, September 2022)', () => {
    // Chile moved its clocks from 00:00 to 01:00 on 11 September 2022: that day began at 01:00 local, 04:00 UTC.
    expect(startOfDay('2022-09-11', 'America/Santiago')).toBe(at('2022-09-11T04:00:00Z'));
    expect(localTime(startOfDay('2022-09-11', 'America/Santiago'), 'America/Santiago')).toBe('2022-09-11 01:00 America/Santiago');
    // A day with an hour twice (Berlin, 31 October 2027) is 25 hours long.
    expect(endOfDay('2027-10-31', 'Europe/Berlin') - startOfDay('2027-10-31', 'Europe/Berlin')).toBe(25 * 3_600_000);
    expect(offsetAt(at('2027-07-01T00:00:00Z'), 'Europe/Berlin')).toBe(2 * 3_600_000);
  });

  it('reads --as-of: a date is the start of that day in the zone; a time without an offset is the zone’s wall clock', () => {
    expect(parseMoment('2027-01-04', 'Europe/Berlin')).toBe(at('2027-01-03T23:00:00Z'));
    expect(parseMoment('2027-01-04T09:30', 'Europe/Berlin')).toBe(at('2027-01-04T08:30:00Z'));
    expect(parseMoment('2027-01-04 09:30:15', 'UTC')).toBe(at('2027-01-04T09:30:15Z'));
    expect(parseMoment('2027-01-04T09:30:00Z', 'Europe/Berlin')).toBe(at('2027-01-04T09:30:00Z'));
    expect(parseMoment('2027-01-04T09:30:00+05:30', 'Europe/Berlin')).toBe(at('2027-01-04T04:00:00Z'));
    // 02:30 on 28 March 2027 does not exist in Berlin (the clocks go from 02:00 to 03:00); 02:30 on 31 October happens twice (the first).
    expect(parseMoment('2027-03-28T02:30', 'Europe/Berlin')).toBeUndefined();
    expect(parseMoment('2027-10-31T02:30', 'Europe/Berlin')).toBe(at('2027-10-31T00:30:00Z'));
    for (const bad of ['2027-02-30', 'tomorrow', '2027-01-04T25:00', '04/01/2027', '2027-1-4']) expect(parseMoment(bad, 'UTC'), bad).toBeUndefined();
    expect([validDate('2028-02-29'), validDate('2027-02-29')]).toEqual([true, false]);
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
  });
});

describe('a person’s standing at a moment', () => {
  const policy = { createDaysBefore: 0 };

  it('a leaver in Auckland and one in Los Angeles with the same last day leave at the end of their own day', () => {
    const dates = { endDate: '2027-01-31' };
    const noonUtc = at('2027-01-31T12:00:00Z'); // 01:00 on 1 February in Auckland; 04:00 on 31 January in Los Angeles
    expect(standingOf(dates, 'Pacific/Auckland', noonUtc, policy)).toEqual({ kind: 'left', endDate: '2027-01-31', leftAt: at('2027-01-31T11:00:00Z'), deleteDue: false });
    expect(standingOf(dates, 'America/Los_Angeles', noonUtc, policy)).toEqual({ kind: 'current' });
    expect(standingOf(dates, 'America/Los_Angeles', at('2027-02-01T08:00:00Z'), policy).kind).toBe('left');
    expect(standingOf(dates, 'America/Los_Angeles', at('2027-02-01T07:59:59Z'), policy).kind).toBe('current');
  });

  it('a joiner in Berlin waits until their start day begins there (or createDaysBefore days earlier)', () => {
    const dates = { startDate: '2027-01-04' };
    expect(standingOf(dates, 'Europe/Berlin', at('2027-01-03T22:59:59Z'), policy)).toEqual({ kind: 'waiting', startDate: '2027-01-04', createAt: at('2027-01-03T23:00:00Z') });
    expect(standingOf(dates, 'Europe/Berlin', at('2027-01-03T23:00:00Z'), policy)).toEqual({ kind: 'current' });
    expect(standingOf(dates, 'Europe/Berlin', at('2026-12-31T23:00:00Z'), { createDaysBefore: 3 })).toEqual({ kind: 'current' });
    expect(standingOf(dates, 'Europe/Berlin', at('2026-12-31T22:59:00Z'), { createDaysBefore: 3 }).kind).toBe('waiting');
  });

  it('deletes a leaver deleteDaysAfter local days after their last day; a cancelled hire (ended before it began) is a leaver, never made', () => {
    const p = { createDaysBefore: 0, deleteDaysAfter: 30 };
    const s = standingOf({ endDate: '2027-01-31' }, 'UTC', at('2027-03-02T23:59:59Z'), p);
    expect(s).toMatchObject({ kind: 'left', deleteAt: at('2027-03-03T00:00:00Z'), deleteDue: false });
    expect(standingOf({ endDate: '2027-01-31' }, 'UTC', at('2027-03-03T00:00:00Z'), p)).toMatchObject({ deleteDue: true });
    expect(standingOf({ startDate: '2027-02-01', endDate: '2027-01-20' }, 'UTC', at('2027-01-25T00:00:00Z'), policy).kind).toBe('left');
  });
});
