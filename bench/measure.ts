import { execFileSync } from 'node:child_process';

/** One whole process, measured: CPU (user + system) and wall seconds, peak resident memory, exit status. */
export interface Usage {
  cpu: number;
  wall: number;
  peakMb: number;
  status: number;
  stdout: string;
}

// getrusage(RUSAGE_CHILDREN) around the one child: its CPU, exactly (the difference: a python3 started
// through a shim such as pyenv's has already waited for children of its own). Its peak memory is
// ru_maxrss, the largest of any child: the shim's helpers are small shells, far below any node process.
const WRAPPER = `
import json, resource, subprocess, sys, time
keep = sys.argv[1] == '1'
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.monotonic()
p = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE if keep else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.monotonic() - start
r = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (r.ru_utime - before.ru_utime) + (r.ru_stime - before.ru_stime)
print(json.dumps({'cpu': cpu, 'wall': wall, 'peakMb': r.ru_maxrss / 1024, 'status': p.returncode, 'stdout': p.stdout.decode() if keep else ''}))
`;

/** Runs `command args…` once (in `where.cwd`, with `where.env`); its output is thrown away unless `keepOutput`. */
export function measure(command: string, args: string[], keepOutput = false, where: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Usage {
  const out = execFileSync('python3', ['-c', WRAPPER, keepOutput ? '1' : '0', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, ...where });
  return JSON.parse(out) as Usage;
}

/** Whether python3 is here to measure with (and to be measured, as a reference). */
export function havePython(): boolean {
  try {
    execFileSync('python3', ['-c', 'import resource'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Runs each named command `runs` times, alternating (round 1: a b c, round 2: b c a …), so a noisy
 * neighbour hurts them alike. Returns every run of each.
 */
export function alternate(commands: Record<string, () => Usage>, runs: number): Record<string, Usage[]> {
  const names = Object.keys(commands);
  const results: Record<string, Usage[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < runs; round++)
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      results[name]!.push(commands[name]!());
    }
  return results;
}

/** The median over rounds of a/b: each round's ratio, so a slow round slows both sides of it. */
export function medianRatio(a: Usage[], b: Usage[]): number {
  return median(a.map((x, i) => x.cpu / b[i]!.cpu));
}
