import { addDays, endOfDay, startOfDay } from './calendar.js';

/** When accounts are made and ended, relative to a person's start and end dates (the config's lifecycle settings). */
export interface LifecyclePolicy {
  /** A joiner's account is made this many days before their start date (0: on the start day itself, local). */
  createDaysBefore: number;
  /** A leaver's deactivated account is deleted this many days after their last day; undefined: never. */
  deleteDaysAfter?: number;
}

/** Where a person stands at a moment, from their dates in their own time zone. */
export type Standing =
  /** Not yet: the account is made at `createAt` (the start of that local day). */
  | { kind: 'waiting'; startDate: string; createAt: number }
  /** Between the day the account may be made and the end of their last day (or with no dates at all). */
  | { kind: 'current' }
  /** Their last day has ended (at `leftAt`); with deleteDaysAfter, the account is deleted from `deleteAt`. */
  | { kind: 'left'; endDate: string; leftAt: number; deleteAt?: number; deleteDue: boolean };

/**
 * A person's standing at the instant `now`, their dates read as days in `zone`: a start date in the
 * future waits until `createDaysBefore` days before it begins there; an end date has passed once that
 * whole local day has (a leaver on 31 January works all of their 31 January, wherever they are). An end
 * date before the start date counts as the end (a cancelled hire is not made).
 */
export function standingOf(dates: { startDate?: string | null; endDate?: string | null }, zone: string, now: number, policy: LifecyclePolicy): Standing {
  const { startDate, endDate } = dates;
  if (endDate) {
    const leftAt = endOfDay(endDate, zone);
    if (now >= leftAt) {
      if (policy.deleteDaysAfter === undefined) return { kind: 'left', endDate, leftAt, deleteDue: false };
      const deleteAt = startOfDay(addDays(endDate, 1 + policy.deleteDaysAfter), zone);
      return { kind: 'left', endDate, leftAt, deleteAt, deleteDue: now >= deleteAt };
    }
  }
  if (startDate) {
    const createAt = startOfDay(addDays(startDate, -policy.createDaysBefore), zone);
    if (now < createAt) return { kind: 'waiting', startDate, createAt };
  }
  return { kind: 'current' };
}
