import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, type BinaryRun } from './cli.js';

/**
 * Whether this machine lets a process mount a tmpfs of its own (a user and mount namespace:
 * `unshare -rm`, as root or where unprivileged user namespaces are allowed).
 */
export const HAS_SMALL_DISK = spawnSync('unshare', ['-rm', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d" && rmdir "$d"'], { stdio: 'ignore' }).status === 0;

export interface SmallDiskRun extends BinaryRun {
  /** What was left on the disk when hrsync exited (names, recursively), the filler aside. */
  left: string[];
}

/**
 * Runs the built binary with `disk/` in `cwd` a real file system that is nearly full: a tmpfs of its
 * own (in a private mount namespace, gone when the process ends) with only `freeKB` left. hrsync sees
 * a genuine ENOSPC, as on a full disk; what it left on the disk is listed before the disk goes away.
 */
export function hrsyncOnSmallDisk(args: string[], cwd: string, freeKB: number, env: Record<string, string> = {}): Promise<SmallDiskRun> {
  mkdirSync(join(cwd, 'disk'), { recursive: true });
  const sizeKB = 1024;
  const script = [
    `mount -t tmpfs -o size=${sizeKB}k,mode=0700 tmpfs disk || exit 99`,
    `head -c ${(sizeKB - freeKB) * 1024} /dev/zero > disk/.filler`,
    '"$@"; code=$?',
    "(cd disk && find . -mindepth 1 ! -name .filler | sort) > disk-left.txt",
    'exit $code',
  ].join('\n');
  const base = { ...process.env };
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  return new Promise((resolve) => {
    const child = spawn('unshare', ['-rm', 'sh', '-c', script, 'sh', process.execPath, BIN, ...args], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      let left: string[] = [];
      try {
        left = readFileSync(join(cwd, 'disk-left.txt'), 'utf8').split('\n').filter(Boolean);
      } catch {
        /* the script never got that far: the code says why */
      }
      resolve({ code, stdout, stderr, left });
    });
  });
}
