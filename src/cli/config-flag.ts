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

/**
 * Whether argv may ask for help (--help, -h, alone or among short flags, or `hrsync help …`): only then is
 * the --target help built from the config and the connectors. A false yes costs only time.
 */
export function helpWanted(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  for (const a of args) {
    if (a === '--') break;
    if (a === '--help' || (/^-[^-]/.test(a) && a.includes('h'))) return true;
  }
  return args.find((a) => !a.startsWith('-')) === 'help';
}
