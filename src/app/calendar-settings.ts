import type { Config } from '../config/schema.js';
import { timeZoneName } from '../core/lifecycle/calendar.js';

/** When a target's people are made and ended: the config's settings, a target's own over the top level's. */
export interface CalendarSettings {
  /** The zone of a row that names none (an IANA name; default UTC). */
  timeZone: string;
  createDaysBefore: number;
  deleteDaysAfter?: number;
  /** The config's deactivation brake, and where it is set (for the message when it stops a run). */
  maxDeactivations?: { text: string; where: string };
  /** The config's tolerance of invalid rows (--max-invalid), and where it is set. */
  maxInvalid?: { text: string; where: string };
}

/** The settings of target `name` (undefined: the embedded sandbox, or none configured): its own keys, else the config's top-level ones. */
export function calendarSettings(config: Config | undefined, name: string | undefined): CalendarSettings {
  const own = (name !== undefined && config && Object.hasOwn(config.targets, name) ? config.targets[name] : {}) as Partial<Record<keyof CalendarSettings, unknown>>;
  const pick = <T>(key: keyof CalendarSettings): { value: T; where: string } | undefined =>
    own[key] !== undefined ? { value: own[key] as T, where: `targets.${name}.${key}` } : config?.[key] !== undefined ? { value: config[key] as T, where: key } : undefined;
  const zone = pick<string>('timeZone');
  const deleteAfter = pick<number>('deleteDaysAfter');
  const brake = pick<string | number>('maxDeactivations');
  const tolerance = pick<string | number>('maxInvalid');
  return {
    // The config's schema refused a zone that is no IANA name: this is its canonical spelling.
    timeZone: (zone && timeZoneName(zone.value)) ?? 'UTC',
    createDaysBefore: pick<number>('createDaysBefore')?.value ?? 0,
    ...(deleteAfter ? { deleteDaysAfter: deleteAfter.value } : {}),
    ...(brake ? { maxDeactivations: { text: String(brake.value).trim(), where: `the config’s ${brake.where}` } } : {}),
    ...(tolerance ? { maxInvalid: { text: String(tolerance.value).trim(), where: `the config’s ${tolerance.where}` } } : {}),
  };
}
