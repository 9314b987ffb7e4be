/**
 * How long a test waits for something that should happen soon (a poll, a child process, a server to
 * start) before it calls it a hang. A guard, never a measure: generous, so that a machine busy with
 * other work (2 cores, a CPU hog beside the suite) is slow but never red. Speed is measured in
 * `npm run bench`, not here.
 */
export const PATIENCE_MS = 120_000;
