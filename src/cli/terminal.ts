import { Chalk, type ChalkInstance } from 'chalk';

/**
 * Colour only when the stream is a terminal, and never with NO_COLOR set (https://no-color.org);
 * FORCE_COLOR forces it on (for CI logs that render ANSI).
 */
export function colourFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const off = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  const level = forced ? 1 : off || !stream.isTTY ? 0 : 1;
  return new Chalk({ level });
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');
export const plural = (n: number, word: string, many = `${word}s`): string => `${formatCount(n)} ${n === 1 ? word : many}`;
