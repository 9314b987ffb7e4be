import { join } from 'node:path';

/** A run's time stamp, safe in a file name on every OS: 2026-11-24T10-15-02-123Z. */
export const runStamp = (at = new Date()): string => at.toISOString().replace(/[:.]/g, '-');

/** Where a run keeps its results when not told, relative to the working folder: .hrsync/runs/<stamp>. */
export const defaultRunDir = (at = new Date()): string => join('.hrsync', 'runs', runStamp(at));
