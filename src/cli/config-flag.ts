// Argument parsing only: main.ts loads this at start-up, so it must not import the config or the connectors.

/** --config (or -c) as written in argv, if it is, so help and completion read the config the command would. */
export function configFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (a === '--config' || a === '-c') return argv[i + 1];
    if (a.startsWith('--config=')) return a.slice('--config='.length);
  }
  return undefined;
}
